/** Form schemas for accounts. Messages are i18n keys, translated where they are shown. */
import { z } from "zod";
import { normalisePhone } from "../../core/phone";

export const PhoneField = z.string({ required_error: "auth.invalidPhone" }).transform((v, ctx) => {
  const phone = normalisePhone(v);
  if (!phone) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: "auth.invalidPhone" });
    return z.NEVER;
  }
  return phone;
});

export const PasswordField = z.string({ required_error: "auth.passwordTooShort" }).min(8, "auth.passwordTooShort").max(128, "auth.passwordTooLong");

export const LoginSchema = z.object({
  phone: PhoneField,
  password: z.string({ required_error: "auth.passwordTooShort" }).max(128, "auth.passwordTooLong"),
  redirectTo: z.string().optional(),
});

export const SignupSchema = z
  .object({
    phone: PhoneField,
    displayName: z.string({ required_error: "auth.displayNameRequired" }).trim().min(1, "auth.displayNameRequired").max(30, "auth.displayNameTooLong"),
    password: PasswordField,
    passwordConfirm: z.string({ required_error: "auth.passwordMismatch" }),
    redirectTo: z.string().optional(),
  })
  .refine((v) => v.password === v.passwordConfirm, { message: "auth.passwordMismatch", path: ["passwordConfirm"] });
