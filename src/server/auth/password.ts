import bcrypt from "bcryptjs";

// Cost 10: ~50–100 ms per check on these machines; enough against offline guessing of a leaked
// hash without making the sign-in form or the demo seed slow.
const COST = 10;

export function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, COST);
}

/** False (never a throw) for a malformed stored hash: a broken row must not become a 500. */
export async function verifyPassword(plain: string, hash: string): Promise<boolean> {
  try {
    return await bcrypt.compare(plain, hash);
  } catch {
    return false;
  }
}
