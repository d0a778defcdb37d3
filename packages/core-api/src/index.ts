export { percentEncode } from './percent-encode.js';
export { flattenParams } from './flatten-params.js';
export { rpcStringToSign, signRpcV1 } from './sign-rpc.js';
export type { SignRpcV1Options } from './sign-rpc.js';
export { ACS3_ALGORITHM, EMPTY_PAYLOAD_SHA256, signAcs3 } from './sign-acs3.js';
export type { SignAcs3Options, SignAcs3Result } from './sign-acs3.js';
