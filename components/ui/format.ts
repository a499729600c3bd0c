/** Numbers as the dashboard shows them: grouped thousands, rates to one decimal place. */
export const num = (n: number) => n.toLocaleString("en-GB");
export const pct = (v: number) => `${(Math.round(v * 1000) / 10).toLocaleString("en-GB")}%`;
