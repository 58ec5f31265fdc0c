// The indicator framework (DESIGN.md, "Indicator framework"): which 二级指标 belong under which
// 一级指标. Validation warns, never fails, where a real form deviates from it.

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
