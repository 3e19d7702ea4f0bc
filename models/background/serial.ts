// One write at a time: the background is the only writer of the stores that content scripts
// change (the word list), and it applies their changes in turn, each on the result of the last,
// so two tabs saving at once both keep their change.

export type Serial = <T>(work: () => Promise<T>) => Promise<T>;

export function serial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}
