// The tool table drives menus, commands, permissions, languages and the host's dispatch: each
// of those must agree with it, so a tool added in one place and not another shows up here.
import { describe, expect, it } from 'vitest';
import { COMMAND_TOOLS, TOOL_MENUS } from '@/models/background/menus';
import { HostTools } from '@/models/host/tools';
import { DEFAULT_SETTINGS } from '@/models/shared/settings';
import { isPageToolRequest, requestLang, TOOL_NAMES, TOOLS, toolOfRequest } from '@/models/shared/tools';

const capture = {
  text: 'We sat on the bank of the river.',
  start: 14,
  end: 18,
  sentenceStart: 0,
  sentenceEnd: 32,
  truncated: false,
  url: 'https://example.org/',
};

describe('the tool table', () => {
  it('finds each row’s tool in the host folder of its name, serving exactly the row’s requests', async () => {
    const tools = new HostTools({});
    for (const tool of TOOL_NAMES) {
      expect(Object.keys((await tools.load(tool)).runners).sort()).toEqual([...TOOLS[tool].requests].sort());
      for (const type of TOOLS[tool].requests) {
        expect(toolOfRequest(type)).toBe(tool);
        expect(typeof (await tools.runnerOf(type)).run).toBe('function');
      }
    }
    expect(toolOfRequest('status')).toBeNull();
    await expect(tools.runnerOf('status' as never)).rejects.toThrow(/No host tool serves status/);
  });

  it('makes one menu entry and one keyboard command per tool', () => {
    expect(TOOL_MENUS.map((m) => m.id)).toEqual(TOOL_NAMES);
    expect(Object.values(COMMAND_TOOLS).map((t) => t.tool)).toEqual(TOOL_NAMES);
    expect(Object.keys(COMMAND_TOOLS)).toEqual(TOOL_NAMES.map((t) => TOOLS[t].command.name));
  });

  it('lets pages send only the requests a selection makes', () => {
    expect(TOOL_NAMES.filter((t) => isPageToolRequest(TOOLS[t].fromSelection(capture, DEFAULT_SETTINGS.continueText).type))).toEqual(TOOL_NAMES);
    expect(isPageToolRequest('cloze.check')).toBe(false);
    expect(isPageToolRequest('cache.clear')).toBe(false);
  });

  it('builds each tool’s request from a selection, and reads its language from the selection first', () => {
    const sense = TOOLS.sense.fromSelection(capture);
    expect(sense).toMatchObject({ type: 'sense', start: 14, end: 18 });
    expect(TOOLS.cloze.fromSelection(capture)).toMatchObject({ type: 'cloze', text: 'bank' });
    const complete = TOOLS.complete.fromSelection(capture, { ...DEFAULT_SETTINGS.continueText, maxTokens: 9999, temperature: Number.NaN });
    expect(complete).toMatchObject({ type: 'complete', prompt: 'We sat on the bank', maxNewTokens: 256, temperature: 0 });
    expect(requestLang(sense)).toBe('en');
    expect(requestLang({ type: 'sense', text: 'He said 银行 twice', start: 8, end: 10 })).toBe('zh');
    expect(requestLang({ type: 'cloze', text: 'bank', blanks: 1, lang: 'zh' })).toBe('zh');
    expect(requestLang({ type: 'complete', prompt: '12345', maxNewTokens: 4 })).toBeUndefined();
  });
});
