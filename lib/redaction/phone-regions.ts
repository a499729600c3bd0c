import { isSupportedCountry, type CountryCode } from "libphonenumber-js/max";

/**
 * Where national phone numbers (no `+`, no `00`) are read from. `home`: a number valid there
 * counts however it is written, `0612345678` included. `others`: a number valid there counts
 * only when written with grouping (`020 7946 0958`, `(415) 555-0132`) — a bare 10-digit run
 * is too often an order id to be read as a foreign phone number. International numbers are
 * validated against their own country, whatever the list.
 */
export type PhoneRegions = { home: CountryCode; others: readonly CountryCode[] };

/** France first (the French typography that motivated this), then the UK and North America. */
export const DEFAULT_PHONE_REGIONS = "FR,GB,US";

/**
 * Parses `WARDEN_PHONE_REGION`: comma-separated ISO 3166-1 alpha-2 codes, the first being the
 * home region (e.g. `US`, or `DE,AT,CH`). Throws an Error naming the variable and the bad code.
 */
export function parsePhoneRegions(value: string): PhoneRegions {
  const codes = value
    .split(",")
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== "");
  const checked: CountryCode[] = [];
  for (const c of codes) {
    if (!isSupportedCountry(c)) throw new Error(`WARDEN_PHONE_REGION: "${c}" is not a region code libphonenumber knows (use ISO 3166-1 alpha-2 codes such as FR, GB, US)`);
    if (!checked.includes(c)) checked.push(c);
  }
  const [home, ...others] = checked;
  if (!home) throw new Error("WARDEN_PHONE_REGION is empty: give at least one region code, e.g. FR");
  return { home, others };
}

let cached: { source: string; regions: PhoneRegions } | undefined;

/** The configured regions (`WARDEN_PHONE_REGION`, default `FR,GB,US`), parsed once per value. */
export function phoneRegions(): PhoneRegions {
  const source = process.env.WARDEN_PHONE_REGION?.trim() || DEFAULT_PHONE_REGIONS;
  if (cached?.source !== source) cached = { source, regions: parsePhoneRegions(source) };
  return cached.regions;
}
