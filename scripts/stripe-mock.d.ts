import type { ChildProcess } from "node:child_process";
export declare const STRIPE_MOCK_VERSION: string;
export declare const STRIPE_MOCK_INSTALL: string;
export declare function findStripeMock(): string | null;
export declare function startStripeMock(bin?: string | null): Promise<{ base: string; stop: () => Promise<void>; child: ChildProcess }>;
