/** A GGUF model `codegod models pull NAME` knows how to fetch. */
export interface CatalogueModel {
  /** File name in the models folder. */
  file: string;
  url: string;
  /** One line for `codegod models list`. */
  about: string;
  /**
   * SHA-256 of the file when pinned here. Unpinned entries are checked against the hash the
   * server publishes for the file (`X-Linked-Etag`, as Hugging Face sends on its redirect).
   */
  sha256?: string;
}

/** The recommended models: coder instruct models at Q4_K_M, small enough for a CPU. */
export const MODEL_CATALOGUE: Record<string, CatalogueModel> = {
  'qwen2.5-coder-1.5b': {
    file: 'qwen2.5-coder-1.5b-instruct-q4_k_m.gguf',
    url: 'https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/resolve/main/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf',
    about: 'Qwen2.5-Coder 1.5B Instruct, Q4_K_M, about 1.1 GB: runs on a laptop CPU',
  },
  'qwen2.5-coder-7b': {
    file: 'qwen2.5-coder-7b-instruct-q4_k_m.gguf',
    url: 'https://huggingface.co/Qwen/Qwen2.5-Coder-7B-Instruct-GGUF/resolve/main/qwen2.5-coder-7b-instruct-q4_k_m.gguf',
    about: 'Qwen2.5-Coder 7B Instruct, Q4_K_M, about 4.7 GB: better plans, needs 8 GB of RAM',
  },
};
