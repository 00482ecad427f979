export declare function startStaticServer(
    root: string,
    port?: number,
    host?: string,
): Promise<{ url: string; close(): Promise<void> }>;
