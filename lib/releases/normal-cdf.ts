/**
 * The standard normal CDF Φ(x), through the complementary error function.
 *
 * erfc is W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations
 * for the error function", Math. Comp. 23 (1969) 631–637), as in the public-domain
 * CALERF routine: relative error below 1e-15 over the whole real line. `logNormalCdf` stays
 * finite far into the lower tail (asymptotic series below −30), which the one-sided mixture
 * boundary's root finding needs.
 */
const A = [3.1611237438705656, 113.864154151050156, 377.48523768530106, 3209.3775891384695, 0.185777706184603153];
const B = [23.601290952344122, 244.02463793444419, 1282.6165260773723, 2844.2368334391706];
const C = [0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909, 1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8];
const D = [15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963, 4362.61909014324716, 3439.36767414372164, 1230.33935480374942];
const P = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978];
const Q = [2.56852019228982242, 1.87295284992346725, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const SQRPI = 0.56418958354775628695; // 1/sqrt(pi)

/** erfc(x) for x ≥ 0 (Cody). */
function erfcPositive(x: number): number {
  if (x < 0.5) {
    const y = x * x;
    let num = A[4]! * y;
    let den = y;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * y;
      den = (den + B[i]!) * y;
    }
    return 1 - (x * (num + A[3]!)) / (den + B[3]!);
  }
  if (x <= 4) {
    let num = C[8]! * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * x;
      den = (den + D[i]!) * x;
    }
    return (Math.exp(-x * x) * (num + C[7]!)) / (den + D[7]!);
  }
  if (x > 26.6) return 0;
  const z = 1 / (x * x);
  let num = P[5]! * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]!) * z;
    den = (den + Q[i]!) * z;
  }
  const r = (z * (num + P[4]!)) / (den + Q[4]!);
  return (Math.exp(-x * x) * (SQRPI - r)) / x;
}

/** Φ(x) = P(N(0,1) ≤ x). */
export function normalCdf(x: number): number {
  const t = -x / Math.SQRT2;
  return t >= 0 ? erfcPositive(t) / 2 : 1 - erfcPositive(-t) / 2;
}

/** log Φ(x), finite for very negative x (Mills-ratio series below −30). */
export function logNormalCdf(x: number): number {
  if (x > -30) return Math.log(normalCdf(x));
  // Φ(x) ≈ φ(x)/|x| · (1 − 1/x² + 3/x⁴)
  const x2 = x * x;
  return -x2 / 2 - Math.log(-x) - 0.5 * Math.log(2 * Math.PI) + Math.log(1 - 1 / x2 + 3 / (x2 * x2));
}
