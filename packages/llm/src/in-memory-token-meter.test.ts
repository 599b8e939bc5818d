import { InMemoryTokenMeter } from './in-memory-token-meter.js';
import { tokenMeterConformance } from './testing/index.js';

tokenMeterConformance('InMemoryTokenMeter', async () => ({
  meter: new InMemoryTokenMeter(),
  close: async () => {},
}));
