import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Actor } from '../../domain/shared/decider.js';
import { problem, ProblemError } from './problem.js';

export const ROLES = ['admin', 'programme-officer', 'finance-officer', 'commission-member', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

const ROLES_KEY = 'aid-ledger:roles';
const PUBLIC_KEY = 'aid-ledger:public';

/** The roles allowed to call an endpoint. Without it, any authenticated role may (reads). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** No token needed (health, metrics). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => ctx.switchToHttp().getRequest().actor);

const VERIFIED_CACHE_SIZE = 10_000;

export class TokenService {
  // Imported once: importing the HMAC key on every request was a fifth of a command's CPU.
  private readonly key: KeyObject;
  /** Tokens already verified, with the actor they name, until they expire (clients reuse their token). */
  private readonly verified = new Map<string, { actor: Actor; expiresAt: number }>();

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  async verify(token: string): Promise<Actor> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAt > Date.now()) return cached.actor;
    const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('the token has no subject');
    const roles = payload.roles;
    if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) throw new Error('the token has no roles array');
    const actor: Actor = { id: payload.sub, roles: roles as string[], ...(typeof payload.name === 'string' ? { name: payload.name } : {}) };
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    // Without an expiry claim a token is re-verified after a minute rather than trusted forever.
    this.verified.set(token, { actor, expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now() + 60_000 });
    return actor;
  }

  async sign(actor: { sub: string; roles: string[]; name?: string }, expiresIn = '12h'): Promise<string> {
    return new SignJWT({ roles: actor.roles, ...(actor.name ? { name: actor.name } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(actor.sub)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(this.key);
  }
}

/** Bearer JWT (HS256) on every route not marked @Public; 401 without a valid token, 403 for a role not allowed. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const header: string | undefined = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match) throw new ProblemError(problem(401, 'a bearer token is required (Authorization: Bearer <JWT>)'));
    try {
      request.actor = await this.tokens.verify(match[1]);
    } catch (error) {
      throw new ProblemError(problem(401, `the bearer token is not valid: ${(error as Error).message}`));
    }
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (allowed && !allowed.some((role) => request.actor.roles.includes(role))) {
      throw new ProblemError(problem(403, `this action needs one of the roles: ${allowed.join(', ')}`));
    }
    if (!allowed && !request.actor.roles.some((role: string) => (ROLES as readonly string[]).includes(role))) {
      throw new ProblemError(problem(403, 'the token carries none of the ledger roles'));
    }
    return true;
  }
}
