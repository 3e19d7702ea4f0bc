// A kernel thread of the bench's kernel page (kernel.ts), as the offscreen document's.
import { serveGemvTasks } from '../../models/host/kernels';

serveGemvTasks(self as unknown as Parameters<typeof serveGemvTasks>[0]);
