// The kernels (int8 GEMV in WebAssembly, its worker threads, the GPT-2 step and its KV state):
// plain typed arrays in, numbers out, nothing imported from the rest of Sesame. Code outside
// host/kernels/ imports them only through this file.
export * from './gemv-threads';
export * from './gemv-wasm';
export * from './gemv-worker';
export * from './gpt2-step';
export * from './int8-kernel';
export * from './kv-state';
export * from './weights';
export * from './bert-encoder';
