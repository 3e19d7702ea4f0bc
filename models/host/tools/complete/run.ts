// The completion tool as the host runs it: streamed, cancellable continuation, with each text
// field's keys/values kept between requests so a longer prompt only runs its new tokens.
import { disposePast, type Past } from '../../lm/gpt-step';
import type { ToolMaker } from '../host-tool';
import { complete } from './complete';
import { FieldKvCache } from './kv-cache';

export const makeTool: ToolMaker<'complete'> = () => {
  const fields = new FieldKvCache<Past>(disposePast);
  return {
    runners: {
      complete: {
        async run(lm, request, ctx) {
          fields.setIdleMs(ctx.config.idleReleaseMs);
          const out = await complete(
            lm,
            {
              prompt: request.prompt,
              maxNewTokens: request.maxNewTokens,
              alternatives: request.alternatives ?? 1,
              temperature: request.temperature ?? 0,
              topP: request.topP ?? 0.9,
              stopAtSentence: request.alternatives === undefined,
              healPartialWord: request.continueWord === true,
              ...(request.fieldKey ? { fieldKey: request.fieldKey } : {}),
            },
            ctx.signal,
            (index, delta) => ctx.partial({ index, delta }),
            { cache: fields },
          );
          return { type: 'complete', model: lm.spec.id, backend: ctx.backend, ...out };
        },
      },
    },
    // Cached keys/values belong to a loaded session: any release drops them all.
    clear: () => fields.clear(),
    diagnostics: () => ({ completion: { ...fields.counters, cachedFields: fields.size } }),
  };
};
