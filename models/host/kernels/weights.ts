// The weights Sesame's kernels compute with, as read out of a graph (host/onnx/int8-linear.ts,
// host/onnx/gpt2-graph.ts): plain typed arrays, so the kernels need nothing from the ONNX side.

export interface Int8Weights {
  /** The MatMul's B as stored: [k][n] row-major, int8 or uint8 per `signed`. */
  data: Uint8Array;
  signed: boolean;
  k: number;
  n: number;
  /** Weight zero point: one for the tensor, or one per output column. */
  zeroPoint: Int32Array;
  /** Weight scale: one for the tensor, or one per output column. */
  scale: Float32Array;
  /** Added to the outputs (a bias), one per output column. */
  bias?: Float32Array;
  /**
   * How `data` is laid out: `kn` (default) is the MatMul's B, [k][n]; `nk` is [n][k], one row per
   * output, as an embedding table is stored (a head tied to it reads it transposed).
   */
  layout?: 'kn' | 'nk';
  /**
   * The graph multiplies in float32 by the dequantised weights (a tied head: MatMul over
   * DequantizeLinear(Transpose(table))) instead of DynamicQuantizeLinear + MatMulInteger: the
   * kernel then quantises its input to 16 bits per row (int8-kernel.ts), so its outputs are
   * within a small bound of the graph's, not equal to them.
   */
  floatInput?: boolean;
  /** The embedding table the weights are (a tied head), by its initializer's name. */
  tiedTo?: string;
}

export interface Norm {
  weight: Float32Array;
  bias: Float32Array;
}

export interface Gpt2Layer {
  ln1: Norm;
  /** c_attn: [width][3·width], queries, keys and values side by side. */
  attn: Int8Weights;
  attnProj: Int8Weights;
  ln2: Norm;
  fc: Int8Weights;
  proj: Int8Weights;
}

/** An embedding table as stored: float32 rows, or 8-bit rows with DequantizeLinear's scale and zero point. */
export type Embedding =
  | { kind: 'float'; width: number; rows: number; data: Float32Array }
  | { kind: 'int8'; width: number; rows: number; data: Uint8Array; signed: boolean; scale: number; zeroPoint: number };

export interface Gpt2Weights {
  width: number;
  wte: Embedding;
  wpe: Embedding;
  layers: Gpt2Layer[];
  lnF: Norm;
}

/** One BERT (or ERNIE) encoder layer, post-LayerNorm: attention, then the feed-forward block. */
export interface BertLayer {
  query: Int8Weights;
  key: Int8Weights;
  value: Int8Weights;
  /** attention.output.dense, then attention.output.LayerNorm over the residual sum. */
  attnOut: Int8Weights;
  ln1: Norm;
  /** intermediate.dense (GELU after it), output.dense, then output.LayerNorm over the residual sum. */
  fc: Int8Weights;
  proj: Int8Weights;
  ln2: Norm;
}

export interface BertWeights {
  width: number;
  /** The initializer the word embeddings are (a tied head reads the same table). */
  wordName: string;
  word: Embedding;
  position: Embedding;
  tokenType: Embedding;
  /** ERNIE's task-type table (its row 0: Sesame feeds task type 0). */
  taskType?: Embedding;
  lnE: Norm;
  layers: BertLayer[];
  /** The masked-LM head's transform (dense, GELU, LayerNorm) before the tied decoder. */
  transform: Int8Weights;
  lnT: Norm;
}
