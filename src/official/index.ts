/** The official SDK's public names that the rest of the API does not already export. */
export {};
