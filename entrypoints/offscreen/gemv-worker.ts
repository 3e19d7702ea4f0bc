// A kernel thread of the offscreen document (models/host/kernels/gemv-threads.ts).
import { serveGemvTasks } from '@/models/host/kernels/gemv-worker';

serveGemvTasks(self as unknown as Parameters<typeof serveGemvTasks>[0]);
