declare module 'azurite/dist/src/table/TableServer' {
  export default class TableServer {
    constructor(config: unknown);
    start(): Promise<void>;
    close(): Promise<void>;
    clean(): Promise<void>;
    getHttpServerAddress(): string;
  }
}
declare module 'azurite/dist/src/table/TableConfiguration' {
  export default class TableConfiguration {
    constructor(...args: unknown[]);
  }
}
