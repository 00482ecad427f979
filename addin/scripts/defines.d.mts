export declare const DEFAULT_HOST: string;
export interface BuildSettings {
    host: string;
    apiBase: string;
    failurePolicy: string;
    clientId: string;
    apiScope: string;
    authority: string;
    version: string;
}
export declare function buildSettings(env?: Record<string, string | undefined>): BuildSettings;
export declare function buildDefines(env?: Record<string, string | undefined>): Record<string, string>;
export declare const DEV_CLIENT_ID: string;
export declare function deployManifest(xml: string, settings: BuildSettings): string;
