// A kernel thread of the offscreen document (models/lm-head/gemv-threads.ts).
import { serveGemvTasks } from '@/models/lm-head/gemv-worker';

serveGemvTasks(self as unknown as Parameters<typeof serveGemvTasks>[0]);
