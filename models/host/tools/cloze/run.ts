// The cloze tool as the host runs it: blanks chosen by the model, and answers judged by it.
import { type Lang, ToolError } from '../../../shared/protocol';
import type { ToolMaker } from '../host-tool';
import { checkCloze } from './check';
import { makeCloze } from './cloze';

const needLang = (lang: Lang | undefined): Lang => {
  if (!lang) throw new ToolError('unsupported-language', 'Cloze practice needs English or Chinese text.');
  return lang;
};

export const makeTool: ToolMaker<'cloze'> = (deps) => {
  return {
    runners: {
      cloze: {
        check: (_request, lang) => needLang(lang),
        async run(lm, request, ctx) {
          const lang = needLang(ctx.lang);
          const options = {
            ...(request.difficulty ? { difficulty: request.difficulty } : {}),
            ...(request.decode ? { decode: request.decode } : {}),
            ...(request.focus ? { focus: request.focus } : {}),
          };
          const out = await makeCloze(lm, request.text, lang, request.blanks, request.seed ?? 1, options);
          return { type: 'cloze', lang, model: lm.spec.id, backend: ctx.backend, ...out, ...(request.difficulty ? { difficulty: request.difficulty } : {}) };
        },
      },
      'cloze.check': {
        check: (_request, lang) => needLang(lang),
        async run(lm, request, ctx) {
          const lang = needLang(ctx.lang);
          const loadDict = deps.loadChineseDict;
          const counter = { passes: 0 };
          const blanks = await checkCloze(lm, request, lang, counter, loadDict && (async () => (await loadDict()).toSimplified));
          return { type: 'cloze.check', lang, model: lm.spec.id, backend: ctx.backend, blanks, passes: counter.passes };
        },
      },
    },
  };
};
