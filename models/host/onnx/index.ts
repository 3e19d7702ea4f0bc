// Every rewrite of an ONNX graph (hidden states out, LM head out, the legacy merged decoder,
// tied heads) and the session swaps and guards around them. Code outside host/onnx/ imports
// it only through this file.
export * from './bert-graph';
export * from './gpt2-graph';
export * from './graph-splice';
export * from './head-graph';
export * from './hidden-states-graph';
export * from './hidden-states';
export * from './int8-linear';
export * from './merged-if';
export * from './packed';
export * from './session-guard';
export * from './session-swap';
export * from './tied-head';
export * from './runtime-warmup';
