/** Exercises of CTAC (issue 21): the exercise, its scenario, its report and the yearly reminder. */
export * from './exercise';
export * from './report';
