import { describe, expect, it } from 'vitest';
import { clientMessage, hostMessage, LIMITS, parse, serverMessage, toErrorInfo, ToolError, toolRequest } from '@/models/shared/protocol';

describe('protocol validation', () => {
  it('accepts a well-formed sense request', () => {
    const r = parse(clientMessage, { kind: 'request', id: 'a1', request: { type: 'sense', text: 'the bank', start: 4, end: 8 } });
    expect(r.ok).toBe(true);
    if (r.ok && r.value.kind === 'request') expect(r.value.request.type).toBe('sense');
  });

  it.each([
    [{ kind: 'request', id: 'a1', request: { type: 'sense', text: '', start: 0, end: 1 } }, 'request.text'],
    [{ kind: 'request', id: 'a1', request: { type: 'sense', text: 'x'.repeat(LIMITS.contextChars + 1), start: 0, end: 1 } }, 'longer'],
    [{ kind: 'request', id: 'a 1', request: { type: 'status' } }, 'id'],
    [{ kind: 'request', id: 'a1', request: { type: 'sense', text: 'abc', start: 0.5, end: 1 } }, 'integer'],
    [{ kind: 'request', id: 'a1', request: { type: 'eval', code: '1' } }, 'unknown kind'],
    [{ kind: 'request', id: 'a1', request: { type: 'status', extra: 1 } }, 'unexpected field'],
    [{ kind: 'request', id: 'a1', request: { type: 'status', memory: 'yes' } }, 'expected a boolean'],
    [{ kind: 'ping', id: 'a1', extra: true }, 'unexpected field'],
    [{ kind: 'request', id: 'a1', request: { type: 'complete', prompt: 'hi', maxNewTokens: 10_000 } }, 'above'],
    [{ kind: 'shout', id: 'a1' }, 'unknown kind'],
    ['a string', 'expected an object'],
    [null, 'expected an object'],
  ])('rejects %j', (message, reason) => {
    const r = parse(clientMessage, message);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('rejects prototype tricks in the discriminator', () => {
    expect(parse(clientMessage, { kind: 'toString', id: 'a' }).ok).toBe(false);
    expect(parse(toolRequest, { type: '__proto__' }).ok).toBe(false);
  });

  it('validates host messages, including the model spec', () => {
    const good = {
      kind: 'run',
      id: 'x',
      request: { type: 'status' },
      config: {
        remoteHost: 'https://huggingface.co/',
        idleReleaseMs: 1000,
        preferBackend: 'auto',
        model: { id: 'Xenova/bert-base-uncased', family: 'bert', dtype: 'q8' },
      },
    };
    expect(parse(hostMessage, good).ok).toBe(true);
    expect(parse(hostMessage, { ...good, config: { ...good.config, remoteHost: 'javascript:alert(1)' } }).ok).toBe(false);
    expect(parse(hostMessage, { ...good, config: { ...good.config, model: { id: '../../etc', family: 'bert', dtype: 'q8' } } }).ok).toBe(true);
    expect(parse(hostMessage, { ...good, config: { ...good.config, model: { id: 'a b', family: 'bert', dtype: 'q8' } } }).ok).toBe(false);
  });

  it('validates server messages in both directions of streaming', () => {
    expect(parse(serverMessage, { kind: 'partial', id: 'x', partial: { index: 0, delta: 'hi' } }).ok).toBe(true);
    expect(
      parse(serverMessage, { kind: 'progress', id: 'x', progress: { model: 'a/b', file: 'onnx/model.onnx', status: 'progress', loaded: 1, total: 2 } }).ok,
    ).toBe(true);
    expect(parse(serverMessage, { kind: 'error', id: 'x', error: { code: 'nope', message: 'm' } }).ok).toBe(false);
    expect(parse(serverMessage, { kind: 'pong', id: 'x' }).ok).toBe(true);
    expect(parse(serverMessage, { kind: 'pong', id: 'x', result: {} }).ok).toBe(false);
    expect(
      parse(serverMessage, {
        kind: 'result',
        id: 'x',
        result: { type: 'sense', word: 'bank', lang: 'en', model: 'a/b', backend: 'wasm', substitutes: [{ text: 'shore', score: 0.2 }] },
      }).ok,
    ).toBe(true);
  });

  it('turns errors into user-readable infos', () => {
    expect(toErrorInfo(new ToolError('empty-input', 'Select a word first.'))).toEqual({ code: 'empty-input', message: 'Select a word first.' });
    expect(toErrorInfo(new Error('boom')).code).toBe('internal');
    expect(toErrorInfo('x'.repeat(5000)).message.length).toBe(2000);
  });
});

describe('models.files', () => {
  const result = {
    type: 'models.files',
    modelId: 'Xenova/gpt2',
    dtype: 'q8',
    source: 'hub',
    file: 'onnx/model_int8.onnx',
    files: [{ file: 'onnx/model_int8.onnx', bytes: 281_000_000 }],
    bytes: 283_108_913,
    sha: 'a'.repeat(40),
    note: 'Xenova/gpt2 has no onnx/model_quantized.onnx; Sesame loads onnx/model_int8.onnx.',
  };

  it('carries a request and the listing it answers, checked on both sides', () => {
    expect(parse(clientMessage, { kind: 'request', id: 'f1', request: { type: 'models.files', modelId: 'Xenova/gpt2', family: 'gpt2' } }).ok).toBe(true);
    expect(parse(serverMessage, { kind: 'result', id: 'f1', result }).ok).toBe(true);
    const { file: _f, ...unusable } = { ...result, bytes: null, files: [] };
    expect(parse(serverMessage, { kind: 'result', id: 'f1', result: unusable }).ok).toBe(true);
  });

  it.each([
    [{ ...result, source: 'guess' }, 'expected one of'],
    [{ ...result, sha: 'main' }, 'unexpected form'],
    [{ ...result, bytes: -1 }, 'below'],
    [{ ...result, files: [{ file: 'x', bytes: 1, lfs: true }] }, 'unexpected field'],
    [{ ...result, note: 'x'.repeat(501) }, 'longer'],
  ])('rejects a malformed listing %#', (bad, reason) => {
    const r = parse(serverMessage, { kind: 'result', id: 'f1', result: bad });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});
