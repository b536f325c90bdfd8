/** The planner's report: the plan, its table and its chart (one module each). */
export * from './chart';
export * from './plan';
export * from './table';
