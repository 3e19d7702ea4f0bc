// The sense tool as the host runs it: substitutes, senses of every use, glosses ranked by
// context; the uses' vectors are kept between requests, per model and per site.
import { LIMITS, type Lang, type RequestOf, ToolError } from '../../../shared/protocol';
import type { ToolMaker } from '../host-tool';
import { lookUpSense } from './sense';
import { partitionedModelKey, VectorCache } from './vector-cache';

export const makeTool: ToolMaker<'sense'> = (deps) => {
  const vectors = new VectorCache();
  return {
    runners: {
      sense: {
        check(request, lang) {
          if (!lang) throw new ToolError('unsupported-language', 'Sesame reads English and Chinese; this selection is neither.');
          checkSpan(request);
          return lang;
        },
        async run(lm, request, ctx) {
          const lang = ctx.lang as Lang;
          const { config } = ctx;
          const out = await lookUpSense(
            lm,
            {
              text: request.text,
              start: request.start,
              end: request.end,
              lang,
              topK: request.topK ?? 10,
              ...(request.occurrences ? { occurrences: request.occurrences } : {}),
              ...(request.selected !== undefined ? { selected: request.selected } : {}),
              ...(config.layerWeights ? { layerWeights: config.layerWeights } : {}),
              ...(request.glosses !== undefined ? { glosses: request.glosses } : {}),
            },
            {
              cache: vectors,
              modelKey: partitionedModelKey(lm.spec, lm.device, config.site),
              signal: ctx.signal,
              onProgress: (p) => ctx.update({ type: 'sense', lang, ...p }),
              ...(deps.lookupGlosses ? { lookupGlosses: deps.lookupGlosses } : {}),
              ...(deps.readingAids ? { aids: deps.readingAids } : {}),
            },
          );
          // How many uses came from the cache is for Sesame's own pages, never a content script.
          if (config.site !== undefined && out.vectors) delete out.vectors.cached;
          return { type: 'sense', lang, model: lm.spec.id, backend: ctx.backend, ...out };
        },
      },
    },
    clear: (modelId) => vectors.clear(modelId),
    diagnostics: () => ({ senseCache: { entries: vectors.size, hits: vectors.hits } }),
  };
};

function checkSpan({ text, start, end }: RequestOf<'sense'>): void {
  if (end <= start || end > text.length || !text.slice(start, end).trim()) {
    throw new ToolError('empty-input', 'Select a word first.');
  }
  if (end - start > LIMITS.wordChars) {
    throw new ToolError('bad-request', 'Select a single word or a short phrase to see its meaning in context.');
  }
}
