// The host's side of the tool table (shared/tools.ts): each row's tool is the folder of the same
// name here, whose run.ts exports `makeTool`. Nothing else lists the tools: adding one is its
// folder plus its row in the table. Modules load on first use (their own chunk in the build).
import { TOOL_NAMES, type Tool, type ToolRequestType, toolOfRequest } from '../../shared/tools';
import type { HostTool, RequestRunner, ToolDeps, ToolMaker } from './host-tool';

type AnyTool = HostTool<ToolRequestType>;

export class HostTools {
  private readonly loading = new Map<Tool, Promise<AnyTool>>();

  constructor(private readonly deps: ToolDeps) {}

  /** A tool, its module loaded once (`host/tools/<tool>/run.ts`). */
  load(tool: Tool): Promise<AnyTool> {
    let made = this.loading.get(tool);
    if (!made) {
      made = (import(`./${tool}/run.ts`) as Promise<{ makeTool: ToolMaker<Tool> }>).then((m) => m.makeTool(this.deps) as AnyTool);
      this.loading.set(tool, made);
    }
    return made;
  }

  /** Every tool in the table. */
  all(): Promise<AnyTool[]> {
    return Promise.all(TOOL_NAMES.map((tool) => this.load(tool)));
  }

  /** The runner of a tool request (the table says which tool serves it). */
  async runnerOf(type: ToolRequestType): Promise<RequestRunner<ToolRequestType>> {
    const tool = toolOfRequest(type);
    const runner = tool && ((await this.load(tool)).runners as Partial<Record<ToolRequestType, RequestRunner<ToolRequestType>>>)[type];
    if (!runner) throw new Error(`No host tool serves ${type}`);
    return runner;
  }

  /** Drops what the tools keep between requests: for one model, or everything. */
  async clear(modelId?: string): Promise<void> {
    for (const tool of await this.all()) tool.clear?.(modelId);
  }
}

export type { HostTool, ToolContext, ToolDeps } from './host-tool';
