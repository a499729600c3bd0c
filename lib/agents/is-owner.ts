/** Whether `email` is the agent's accountable owner (case- and space-insensitive). */
export function isAgentOwner(owner: string, email: string): boolean {
  return owner.trim().toLowerCase() === email.trim().toLowerCase();
}
