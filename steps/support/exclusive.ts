/**
 * `@exclusive` scenarios disturb the whole cloud (a cell taken down answers nothing to anyone),
 * so with --parallel they run alone: one starts only when no other scenario is running, and no
 * other starts until it ends.
 */
import { setParallelCanAssign } from '@cucumber/cucumber';

const exclusive = (pickle: { tags: readonly { name: string }[] }) => pickle.tags.some((t) => t.name === '@exclusive');

setParallelCanAssign((pickle, running) => {
  if (running.some(exclusive)) return false;
  return exclusive(pickle) ? running.length === 0 : true;
});
