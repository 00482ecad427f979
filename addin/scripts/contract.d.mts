export const documentPath: string;
export const generatedPath: string;
export function generateContract(): Promise<string>;
