export * from './frame.js';
export * from './jitter.js';
export * from './vad.js';
export * from './gate.js';
export * from './opus.js';
export * from './mixer.js';
export * from './framer.js';
