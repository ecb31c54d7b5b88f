/**
 * A view of a tree-sitter node that reads each property from WebAssembly at most once. Every property of a
 * web-tree-sitter node (`type`, `text`, `children`, a field name) is a call into WebAssembly that copies the
 * node across, and the analysis asks many questions of every node (the walk, the word evaluation, the
 * source checks), so each answer is kept. Texts are cut from the source, as web-tree-sitter's own `text`
 * does for a tree parsed from a string, without its detour through a copy of the rest of the source.
 *
 * The view reads its tree lazily: the tree must stay alive while the view is used.
 */
import type { Node, Tree } from 'web-tree-sitter';

/** Whether nodes of a type (by id, aliases included) are named: a property of the grammar, read once. */
const namedByTypeId = new Map<number, boolean>();

/**
 * The grammar's type names, as the engine's own (internalised) strings: the analysis compares them with
 * literals in `switch` statements, which is then a pointer comparison.
 */
const typeNames = new WeakMap<object, readonly string[]>();

function internedTypes(language: Tree['language']): readonly string[] {
  let types = typeNames.get(language);
  if (!types) {
    types = language.types.map((type) => (type ? Object.keys({ [type]: 0 })[0]! : type));
    typeNames.set(language, types);
  }
  return types;
}

/** What the nodes of one tree share. */
interface TreeInfo {
  readonly source: string;
  readonly types: readonly string[];
  /** Missing nodes are errors of the tree: only a tree with an error is asked for them. */
  readonly hasError: boolean;
}

/** A syntax tree node; the subset of web-tree-sitter's `Node` the analysis uses, with each answer kept. */
export class SyntaxNode {
  private typeName: string | undefined;
  private named: boolean | undefined;
  private source: string | undefined;
  private all: SyntaxNode[] | undefined;
  private namedOnly: SyntaxNode[] | undefined;
  private fields: (string | null)[] | undefined;
  private byField: Map<string, SyntaxNode | null> | undefined;
  private up: SyntaxNode | null | undefined;

  private constructor(
    private readonly node: Node,
    private readonly tree: TreeInfo,
  ) {}

  /** The root of a tree parsed from `source`; the tree must outlive the view. */
  static fromTree(tree: Tree, source: string): SyntaxNode {
    const root = tree.rootNode;
    const info: TreeInfo = { source, types: internedTypes(tree.language), hasError: root.hasError };
    const view = new SyntaxNode(root, info);
    view.up = null;
    return view;
  }

  /** Unique within its tree. */
  get id(): number {
    return this.node.id;
  }

  get startIndex(): number {
    return this.node.startIndex;
  }

  get endIndex(): number {
    return this.node.endIndex;
  }

  get type(): string {
    if (this.typeName === undefined) {
      const id = this.node.typeId;
      this.typeName = this.tree.types[id] || 'ERROR';
      let named = namedByTypeId.get(id);
      if (named === undefined) {
        named = this.node.isNamed;
        namedByTypeId.set(id, named);
      }
      this.named = named;
    }
    return this.typeName;
  }

  get isNamed(): boolean {
    if (this.named === undefined) void this.type;
    return this.named!;
  }

  get text(): string {
    return (this.source ??= this.tree.source.slice(this.node.startIndex, this.node.endIndex));
  }

  get isMissing(): boolean {
    return this.tree.hasError && this.node.isMissing;
  }

  /** The node is, or contains, a syntax error or a missing node. */
  get hasError(): boolean {
    return this.tree.hasError && this.node.hasError;
  }

  get parent(): SyntaxNode | null {
    if (this.up === undefined) {
      const parent = this.node.parent;
      this.up = parent ? new SyntaxNode(parent, this.tree) : null;
    }
    return this.up;
  }

  get children(): readonly SyntaxNode[] {
    if (this.all === undefined) {
      const children = this.node.children;
      const all = new Array<SyntaxNode>(children.length);
      for (let i = 0; i < children.length; i++) all[i] = new SyntaxNode(children[i]!, this.tree);
      this.all = all;
    }
    return this.all;
  }

  get namedChildren(): readonly SyntaxNode[] {
    return (this.namedOnly ??= this.children.filter((child) => child.isNamed));
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  child(index: number): SyntaxNode | null {
    return this.children[index] ?? null;
  }

  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }

  /** The field name of the child at `index` (`name`, `argument`, `redirect`…), or `null`. */
  fieldNameForChild(index: number): string | null {
    const fields = (this.fields ??= []);
    let name = fields[index];
    if (name === undefined) {
      name = this.node.fieldNameForChild(index);
      fields[index] = name;
    }
    return name;
  }

  /** The child in a field, as tree-sitter finds it; one of {@link children} when it is a direct child. */
  childForFieldName(fieldName: string): SyntaxNode | null {
    const byField = (this.byField ??= new Map());
    let child = byField.get(fieldName);
    if (child === undefined) {
      const found = this.node.childForFieldName(fieldName);
      child = found ? (this.children.find((c) => c.id === found.id) ?? new SyntaxNode(found, this.tree)) : null;
      byField.set(fieldName, child);
    }
    return child;
  }

  /** This node and its descendants of the given types, in document order (as web-tree-sitter gives them). */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const out: SyntaxNode[] = [];
    const visit = (node: SyntaxNode): void => {
      if (wanted.includes(node.type)) out.push(node);
      for (const child of node.children) visit(child);
    };
    visit(this);
    return out;
  }
}
