// The host's side of the tool table (shared/tools.ts): one row per tool, typed so that a tool
// in the table without a host tool, or serving other requests than the table says, does not compile.
import type { TOOLS, Tool, ToolRequestType } from '../../shared/tools';
import type { HostTool, RequestRunner, ToolDeps } from './host-tool';
import { clozeTool } from './cloze/run';
import { completeTool } from './complete/run';
import { senseTool } from './sense/run';

type HostTools = { [T in Tool]: HostTool<(typeof TOOLS)[T]['requests'][number]> };

export function makeHostTools(deps: ToolDeps): HostTools {
  return {
    sense: senseTool(deps),
    cloze: clozeTool(deps),
    complete: completeTool(),
  };
}

/** The runner of a tool request (typed loosely: the table's types say each request has one). */
export function runnerOf(tools: HostTools, type: ToolRequestType): RequestRunner<ToolRequestType> {
  const runners = Object.values(tools).map((tool) => tool.runners as Partial<Record<ToolRequestType, unknown>>);
  const runner = runners.find((r) => r[type])?.[type];
  if (!runner) throw new Error(`No host tool serves ${type}`);
  return runner as RequestRunner<ToolRequestType>;
}

export type { HostTool, ToolContext, ToolDeps } from './host-tool';
