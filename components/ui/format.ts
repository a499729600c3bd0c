/** Numbers as the dashboard shows them: grouped thousands, rates to one decimal place. */
export const num = (n: number) => n.toLocaleString("en-GB");
export const pct = (v: number) => `${(Math.round(v * 1000) / 10).toLocaleString("en-GB")}%`;
export const bytes = (n: number) => (n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} kB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(0)} MB` : `${(n / 1024 ** 3).toFixed(1)} GB`);
