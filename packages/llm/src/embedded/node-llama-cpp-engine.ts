import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { LlmEngineError } from '../errors/llm-engine-error.js';
import type { ChatMessage } from '../llm-client.js';
import type { JsonSchema } from '../strict-json-schema.js';
import { toEngineJsonSchema } from './engine-json-schema.js';
import type {
  LocalEngine,
  LocalEngineInfo,
  LocalEngineReply,
  LocalEngineRequest,
} from './local-engine.js';

/** What NodeLlamaCppEngine needs to load a model. */
export interface NodeLlamaCppEngineSettings {
  modelPath: string;
  contextSize: number;
  sequences: number;
  /** 0: node-llama-cpp chooses. */
  threads: number;
  /** Loads node-llama-cpp. Default: a dynamic import (tests pass one that fails). */
  importEngine?: () => Promise<NodeLlamaCpp>;
}

/** How to add the optional engine, said whenever it is missing. */
export const ENGINE_INSTALL_HINT =
  'The embedded engine needs the optional package node-llama-cpp: run `npm install node-llama-cpp@3.22.1` in the codegod folder (npm ci installs it unless optional packages are omitted).';

// node-llama-cpp is optional: only its types are named here, and the module loads on first use.
/** The node-llama-cpp module. */
export type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
type LlamaModel = Awaited<ReturnType<Llama['loadModel']>>;
type LlamaContext = Awaited<ReturnType<LlamaModel['createContext']>>;
type LlamaContextSequence = ReturnType<LlamaContext['getSequence']>;
type ChatWrapper = NonNullable<ReturnType<NodeLlamaCpp['resolveChatWrapper']>>;
type Grammar = Awaited<ReturnType<Llama['createGrammarForJsonSchema']>>;

interface Loaded {
  module: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  /** Sequences not generating now; the client's semaphore never takes more than there are. */
  free: LlamaContextSequence[];
  chatWrapper: ChatWrapper;
  info: LocalEngineInfo;
}

/**
 * llama.cpp in this process through node-llama-cpp, CPU only. One model and one context per
 * engine, with a pool of context sequences made once: a disposed sequence is not free again at
 * once, so each generation takes one from the pool and clears its history after, and no state
 * leaks from one call into the next.
 */
export class NodeLlamaCppEngine implements LocalEngine {
  readonly location: string;
  private loading: Promise<Loaded> | undefined;
  private readonly grammars = new WeakMap<JsonSchema, Promise<Grammar>>();

  constructor(private readonly settings: NodeLlamaCppEngineSettings) {
    this.location = `local:${settings.modelPath}`;
  }

  /** Loads node-llama-cpp, the model and a context pool, once. */
  async load(): Promise<LocalEngineInfo> {
    this.loading ??= this.loadOnce();
    try {
      return (await this.loading).info;
    } catch (error) {
      this.loading = undefined;
      throw error;
    }
  }

  async complete(request: LocalEngineRequest): Promise<LocalEngineReply> {
    const loaded = await this.loaded();
    const grammar = await this.grammarFor(loaded, request.jsonSchema);
    const sequence = loaded.free.pop();
    if (!sequence)
      throw new Error('no free context sequence (more generations than LLM_ENGINE_SEQUENCES)');
    const before = sequence.tokenMeter.getState();
    const chat = new loaded.module.LlamaChat({
      contextSequence: sequence,
      chatWrapper: loaded.chatWrapper,
      autoDisposeSequence: false,
    });
    try {
      const result = await chat.generateResponse(history(request.messages), {
        grammar,
        maxTokens: request.maxTokens,
        temperature: request.temperature,
        signal: request.signal,
        stopOnAbortSignal: false,
        ...(request.onFirstToken ? { onToken: once(request.onFirstToken) } : {}),
      });
      const after = sequence.tokenMeter.getState();
      const promptTokens = after.usedInputTokens - before.usedInputTokens;
      const completionTokens = after.usedOutputTokens - before.usedOutputTokens;
      return {
        content: result.response,
        finishReason: result.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
        usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
      };
    } finally {
      chat.dispose();
      loaded.free.push(await this.cleared(loaded, sequence));
    }
  }

  /** The sequence with its history erased, or a fresh one if erasing failed. */
  private async cleared(
    loaded: Loaded,
    sequence: LlamaContextSequence,
  ): Promise<LlamaContextSequence> {
    try {
      await sequence.clearHistory();
      return sequence;
    } catch {
      sequence.dispose();
      return loaded.context.getSequence();
    }
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (!loading) return;
    const loaded = await loading.catch(() => undefined);
    await loaded?.context.dispose();
    await loaded?.model.dispose();
    await loaded?.llama.dispose();
  }

  private async loaded(): Promise<Loaded> {
    await this.load();
    return this.loading as Promise<Loaded>;
  }

  private grammarFor(loaded: Loaded, jsonSchema: JsonSchema): Promise<Grammar> {
    let grammar = this.grammars.get(jsonSchema);
    if (!grammar) {
      // biome-ignore lint/suspicious/noExplicitAny: the grammar dialect is checked by toEngineJsonSchema, not by node-llama-cpp's deep generic type.
      grammar = loaded.llama.createGrammarForJsonSchema(toEngineJsonSchema(jsonSchema) as any);
      this.grammars.set(jsonSchema, grammar);
    }
    return grammar;
  }

  private async loadOnce(): Promise<Loaded> {
    const { modelPath, contextSize, sequences, threads } = this.settings;
    const size = await stat(modelPath).then(
      (stats) => (stats.isFile() ? stats.size : undefined),
      () => undefined,
    );
    if (size === undefined)
      throw new LlmEngineError(
        this.location,
        `No model file at ${modelPath} (--llm-url local:PATH or LLM_MODEL_PATH). Download one with \`codegod models pull NAME\` (\`codegod models list\` shows the names).`,
      );
    let module: NodeLlamaCpp;
    try {
      module = await (this.settings.importEngine ?? (() => import('node-llama-cpp')))();
    } catch (error) {
      throw new LlmEngineError(this.location, ENGINE_INSTALL_HINT, error);
    }
    try {
      const llama = await module.getLlama({
        gpu: false,
        build: 'never',
        progressLogs: false,
        logLevel: module.LlamaLogLevel.error,
      });
      const model = await llama.loadModel({ modelPath });
      const context = await model.createContext({
        contextSize: Math.min(contextSize, model.trainContextSize),
        sequences,
        ...(threads > 0 ? { threads } : {}),
      });
      const free = Array.from({ length: sequences }, () => context.getSequence());
      const chatWrapper = module.resolveChatWrapper(model) ?? new module.ChatMLChatWrapper();
      const name = basename(modelPath).replace(/\.gguf$/i, '');
      const megabytes = (size / 1_000_000).toFixed(1);
      return {
        module,
        llama,
        model,
        context,
        free,
        chatWrapper,
        info: {
          models: [name],
          detail: `${megabytes} MB, context ${context.contextSize} tokens × ${sequences} sequences`,
        },
      };
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new LlmEngineError(
        this.location,
        `The embedded engine could not load ${modelPath}: ${detail}. Is it a GGUF model file?`,
        error,
      );
    }
  }
}

/** `callback`, called on the first call only. */
function once(callback: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    callback();
  };
}

/** The conversation as node-llama-cpp's chat history, ending in the reply to generate. */
function history(messages: ChatMessage[]) {
  return [
    ...messages.map((message) =>
      message.role === 'assistant'
        ? { type: 'model' as const, response: [message.content] }
        : { type: message.role, text: message.content },
    ),
    { type: 'model' as const, response: [] },
  ];
}
