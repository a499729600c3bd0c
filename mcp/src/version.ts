export const GATEWAY_NAME = "warden-mcp";
export const GATEWAY_VERSION = "0.1.0";
