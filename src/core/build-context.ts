// What `doctor` reads of a service's build context (src/engine/docker reads it from disk).
export interface BuildContextFacts {
  contextExists: boolean;
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  /** undefined: there is no such file. */
  dockerfileText?: string;
  /** A .dockerignore (or <Dockerfile>.dockerignore) applies to the build. */
  hasDockerignore: boolean;
  /** Lock files at the context's root, by name. */
  lockFiles: string[];
}
