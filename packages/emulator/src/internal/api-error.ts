/** An error the emulator answers with ECI's error body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

export const invalidParameter = (message: string, code = 'InvalidParameter'): ApiError => new ApiError(code, 400, message);

/** ECI's `Missing<Name>` code for an absent required top-level parameter. */
export const missingParameter = (name: string): ApiError =>
  new ApiError(
    /^[A-Za-z]+$/.test(name) ? `Missing${name}` : 'MissingParameter',
    400,
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );

/**
 * The code for an unknown container group id. Not confirmed against ECI's documentation
 * (a guess in ECS's `InvalidInstanceId.NotFound` style).
 */
export const containerGroupNotFound = (id: string): ApiError =>
  new ApiError('InvalidContainerGroupId.NotFound', 404, `The specified container group "${id}" does not exist.`);

export function errorBody(error: ApiError, requestId: string, hostId: string): Record<string, string> {
  return {
    RequestId: requestId,
    HostId: hostId,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=Eci&requestId=${requestId}`,
  };
}
