// The indicator framework (DESIGN.md, "Indicator framework"): which 二级指标 belong under which
// 一级指标. Validation warns where a real form deviates from it (a 二级指标 under another 一级指标);
// only a 一级指标 outside the framework is an error (a typo such as 产出指数 prints on the form).
import { distance } from 'fastest-levenshtein';

export const LEVEL2_BY_LEVEL1: Readonly<Record<string, readonly string[]>> = {
  产出指标: ['数量指标', '质量指标', '时效指标', '成本指标'],
  // Shanghai from 2025 on: 成本指标 is a 一级指标 of its own, listed first.
  成本指标: ['经济成本指标', '社会成本指标', '生态环境成本指标'],
  效益指标: ['经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标'],
  满意度指标: ['服务对象满意度指标', '社会公众或服务对象满意度指标'],
};

export const SATISFACTION_LEVEL1 = '满意度指标';

export function isKnownLevel1(level1: string): boolean {
  return Object.hasOwn(LEVEL2_BY_LEVEL1, level1);
}

export function isAllowedLevel2(level1: string, level2: string): boolean {
  return LEVEL2_BY_LEVEL1[level1]?.includes(level2) ?? false;
}

/** The 一级指标 in the form's usual order: 产出指标、成本指标、效益指标、满意度指标. */
export const LEVEL1_NAMES: readonly string[] = Object.keys(LEVEL2_BY_LEVEL1);

/** Every 二级指标 of the framework, each once. */
export const LEVEL2_NAMES: readonly string[] = [...new Set(Object.values(LEVEL2_BY_LEVEL1).flat())];

export function isKnownLevel2(level2: string): boolean {
  return LEVEL2_NAMES.includes(level2);
}

/** The 一级指标 a 二级指标 belongs under (成本指标 appears once, under 产出指标). */
export function level1sOf(level2: string): string[] {
  return LEVEL1_NAMES.filter((level1) => isAllowedLevel2(level1, level2));
}

/**
 * The candidate nearest to `word` by edit distance, when it is near enough to be a likely typo or
 * shortening (`产出指数` → 产出指标, `产出` → 产出指标): at most 2 edits, or half the candidate's
 * length for long names. Ties go to the earlier candidate. Very long input is not compared.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 100) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance && d <= Math.max(2, Math.floor(candidate.length / 2))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
