export {
  Channel,
  SUBPROTOCOL_V4,
  SUBPROTOCOL_V5,
  decodeFrame,
  encodeClose,
  encodeExitStatus,
  encodeFrame,
  encodeResize,
  parseStatus,
} from './frame.js';
export type { ChannelNumber, Frame, StatusMessage } from './frame.js';
