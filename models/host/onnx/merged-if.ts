// optimum's legacy merged decoder (`decoder_model_merged*.onnx`, what `Xenova/distilgpt2` holds):
// one If on `use_cache_branch` makes the outputs; its then_branch is the with-past decoder, its
// else_branch the one without past, and both read the weights as top-level initializers (outer
// scope). These helpers find the If that makes a tensor and view a branch as a flat graph, so the
// flat-graph pattern matchers (int8-linear.ts, tied-head.ts, gpt2-graph.ts) read it unchanged.
import type { AttributeProto, GraphProto, NodeProto } from 'onnx-buf';
import type { Int8Weights } from './int8-linear';

export interface IfBranch {
  /** `then_branch` or `else_branch`. */
  name: string;
  attribute: AttributeProto;
  graph: GraphProto;
}

/** The If node that makes top-level tensor `output`, with the output's position among the If's outputs. */
export function mergedHeadIf(graph: GraphProto, output: string): { node: NodeProto; index: number } | undefined {
  const node = graph.node.find((n) => n.output.includes(output));
  if (node?.opType !== 'If' || node.domain !== '') return undefined;
  return { node, index: node.output.indexOf(output) };
}

/** An If node's branches, as its attributes hold them. */
export function branchesOf(node: NodeProto): IfBranch[] {
  return node.attribute.flatMap((attribute) =>
    (attribute.name === 'then_branch' || attribute.name === 'else_branch') && attribute.g ? [{ name: attribute.name, attribute, graph: attribute.g }] : [],
  );
}

/**
 * `branch` seen as a flat graph: its nodes over the top-level initializers (and its own), with the
 * top level's inputs and outputs. Nothing is copied: the arrays are shared with the parsed model.
 */
export function withPastView(top: GraphProto, branch: GraphProto): GraphProto {
  return { ...top, node: branch.node, initializer: branch.initializer.length ? [...top.initializer, ...branch.initializer] : top.initializer };
}

/** Every tensor name `nodes` read, their subgraphs' nodes included (an If's branches read outer-scope names). */
export function subgraphReads(nodes: readonly NodeProto[], into = new Set<string>()): Set<string> {
  for (const node of nodes) {
    for (const i of node.input) into.add(i);
    for (const a of node.attribute) {
      if (a.g) subgraphReads(a.g.node, into);
      for (const g of a.graphs) subgraphReads(g.node, into);
    }
  }
  return into;
}

/** Whether two heads read out of the branches are the same weights (the same initializers, or equal ones). */
export function sameWeights(a: Int8Weights, b: Int8Weights): boolean {
  const same = (x: ArrayLike<number> | undefined, y: ArrayLike<number> | undefined) => {
    if (x === y) return true;
    if (!x || !y || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  };
  return (
    a.k === b.k &&
    a.n === b.n &&
    a.signed === b.signed &&
    (a.layout ?? 'kn') === (b.layout ?? 'kn') &&
    !!a.floatInput === !!b.floatInput &&
    a.tiedTo === b.tiedTo &&
    same(a.scale, b.scale) &&
    same(a.zeroPoint, b.zeroPoint) &&
    same(a.bias, b.bias) &&
    same(a.data, b.data)
  );
}
