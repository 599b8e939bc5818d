// The LangGraph.js peer: a task graph as a StateGraph with one node per task, each node one
// LLM call; a task with several dependencies waits for all of them (a multi-source edge).
import { defaultMaxListeners, setMaxListeners } from 'node:events';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { chat } from './llm-call.mjs';

const DagState = Annotation.Root({
  done: Annotation({ reducer: (left, right) => left.concat(right), default: () => [] }),
});

/** Builds and runs the graph of `tasks` to its end; returns the ids of the nodes that ran. */
export async function runLangGraphDag(tasks, llmUrl) {
  const graph = new StateGraph(DagState);
  const hasDependents = new Set(tasks.flatMap((task) => task.depends_on));
  for (const task of tasks) {
    graph.addNode(task.id, async () => {
      await chat(llmUrl, task);
      return { done: [task.id] };
    });
  }
  for (const task of tasks) {
    const from = task.depends_on;
    graph.addEdge(from.length === 0 ? START : from.length === 1 ? from[0] : from, task.id);
    if (!hasDependents.has(task.id)) graph.addEdge(task.id, END);
  }
  const app = graph.compile();
  // A step's nodes each race one abort signal of LangGraph's own (@langchain/core's
  // raceWithSignal), which Node reports as a possible leak past 10 listeners: a wide fan-out
  // printed a MaxListenersExceededWarning per round. Signals created while this graph runs
  // allow one listener per node; the bench runs nothing else meanwhile.
  const before = defaultMaxListeners;
  setMaxListeners(Math.max(before, tasks.length + 10));
  let state;
  try {
    state = await app.invoke({ done: [] }, { recursionLimit: tasks.length + 10 });
  } finally {
    setMaxListeners(before);
  }
  if (state.done.length !== tasks.length)
    throw new Error(`LangGraph ran ${state.done.length} of ${tasks.length} nodes`);
  return state.done;
}
