/** The payment method types offered for every order (Stripe PaymentIntent payment_method_types). */
export const PAYMENT_METHOD_TYPES = ["card", "alipay", "wechat_pay"] as const;
