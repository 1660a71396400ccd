export const PLATFORM = 'uhr';
