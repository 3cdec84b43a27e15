/**
 * Plain-language messages for compliance findings, chain verification and registration-number
 * checks. Same shape as app/i18n/messages/*.ts (zh is the source, en has identical keys,
 * "{name}" placeholders), so the app can spread these into its catalogue; `formatMessage`
 * lets this library render them without importing the app.
 */
export const zh = {
  "trace.finding.banned_input": "第 {seq} 条记录使用了国家禁用农药「{substanceZh}」（{input}）。该批次不能上架销售。",
  "trace.finding.forbidden_on_crop": "第 {seq} 条记录在{cropZh}上使用了「{substanceZh}」（{input}），该农药禁止用于这类作物。",
  "trace.finding.interval_violated":
    "第 {seq} 条记录：{input} 于 {appliedOn} 最后一次使用，安全间隔期为 {days} 天，最早 {earliestOn} 才能采收，实际采收日为 {harvestOn}。",
  "trace.finding.interval_violated_declared":
    "第 {seq} 条记录：{input} 于 {appliedOn} 最后一次使用，按农户申报的标签安全间隔期 {days} 天（未经平台核实），最早 {earliestOn} 才能采收，实际采收日为 {harvestOn}。",
  "trace.finding.off_label":
    "第 {seq} 条记录：{input} 的登记标签写的作物是「{labelCropZh}」，不包括{cropZh}。把农药用在标签没有登记的作物上属于超范围使用（《农药管理条例》第三十四条），该批次不能销售。",
  "trace.finding.off_label_catalogue":
    "第 {seq} 条记录：平台目录里 {input} 没有登记用于{cropZh}，记录里也没有写明标签上的登记作物和安全间隔期。没有登记的用途就不能用（《农药管理条例》第三十四条），该批次暂不能销售；如果标签上确有{cropZh}，请对照标签更正这条记录。",
  "trace.finding.off_label_undeclared":
    "第 {seq} 条记录：{input} 没有写明标签上登记的作物和安全间隔期，无法确认它可以用在{cropZh}上（《农药管理条例》第三十四条），该批次暂不能销售。请对照农药标签更正这条记录。",
  "trace.finding.highly_toxic_on_crop":
    "第 {seq} 条记录在{cropZh}上使用了高毒（剧毒）农药「{substanceZh}」（{input}）。剧毒、高毒农药不得用于{groupZh}生产（《农药管理条例》第三十四条），该批次不能销售。",
  "trace.finding.withdrawal_violated":
    "第 {seq} 条记录：兽药 {input} 于 {appliedOn} 最后一次使用，休药期为 {days} 天，最早 {earliestOn} 才能屠宰或上市，实际为 {harvestOn}。",
  "trace.finding.too_many_applications": "{input} 在本批次共使用 {count} 次，超过标签规定的最多 {max} 次。",
  "trace.finding.missing_certificate": "该品类必须附承诺达标合格证，本批次还没有有效的合格证（缺少：{missingZh}）。",
  "trace.finding.no_passing_inspection": "本批次还没有合格的检测或检查记录。",
  "trace.finding.failed_inspection": "第 {seq} 条记录显示最近一次检测不合格，需要重新检测合格后才能销售。",
  "trace.finding.inputs_after_inspection": "第 {seq} 条记录的投入品使用发生在最近一次合格检测之后，需要重新检测。",
  "trace.finding.no_batch": "该商品还没有关联批次。每个上架商品都要有一条完整的溯源记录：请先建立批次并记录种植、投入品、采收、检测和包装（附合格证）。",
  "trace.finding.chain_broken": "该批次的溯源链校验未通过：{reason}",
  "trace.finding.lot_recalled": "该批次已被召回，不能再上架销售。",
  "trace.blocked.lot": "批次 {lotCode}：{message}",

  "trace.cert.productName": "产品名称",
  "trace.cert.quantity": "数量",
  "trace.cert.unit": "单位",
  "trace.cert.origin": "产地",
  "trace.cert.issuedAt": "开具日期",
  "trace.cert.entityName": "承诺主体",
  "trace.cert.entityContact": "联系方式",
  "trace.cert.commitment": "承诺内容",
  "trace.cert.certificate": "合格证",

  "trace.verify.ok": "溯源链完整：{checked} 条记录均未被篡改。",
  "trace.verify.seq_gap": "第 {seq} 条记录缺失、重复或顺序被调换。",
  "trace.verify.content_hash": "第 {seq} 条记录的内容被修改过。",
  "trace.verify.malformed": "第 {seq} 条记录的内容与其所属批次或签名密钥不符。",
  "trace.verify.prev_hash": "第 {seq} 条记录与上一条记录的链接被破坏。",
  "trace.verify.event_hash": "第 {seq} 条记录的哈希值不正确。",
  "trace.verify.unknown_key": "第 {seq} 条记录的签名密钥未登记或不属于记录人。",
  "trace.verify.signature": "第 {seq} 条记录的签名无效。",

  "trace.regno.empty": "请填写农药登记证号。",
  "trace.regno.format": "登记证号格式不正确，应为 PD 或 WP 加 8 位数字（如 PD20080005）。",
  "trace.regno.temporary_expired": "临时登记（LS/WL）已于 2017 年 6 月停止，该登记证号不再有效。",
  "trace.fertregno.empty": "请填写肥料登记证号。",
  "trace.fertregno.format": "肥料登记证号格式不正确，应为「农肥(2019)准字1234号」「农肥(2019)临字1234号」或「微生物肥(2020)准字(1234)号」这样的形式。",
  "trace.vetregno.empty": "请填写兽药产品批准文号。",
  "trace.vetregno.format": "兽药产品批准文号格式不正确，应为「兽药字(2019)150681234」这样的形式（兽药字、兽药生字或兽药添字，括号内为年份，后接 9 位数字）。",
};

export const en: Record<keyof typeof zh, string> = {
  "trace.finding.banned_input": "Record {seq} uses {substanceEn} ({input}), a pesticide banned in China. This lot cannot be sold.",
  "trace.finding.forbidden_on_crop": "Record {seq} uses {substanceEn} ({input}) on {cropEn}; it must not be used on this crop.",
  "trace.finding.interval_violated":
    "Record {seq}: {input} was last applied on {appliedOn}; its pre-harvest interval is {days} days, so harvest may start on {earliestOn}, but the harvest date is {harvestOn}.",
  "trace.finding.interval_violated_declared":
    "Record {seq}: {input} was last applied on {appliedOn}; by the label interval of {days} days the farmer declared (not verified by the platform), harvest may start on {earliestOn}, but the harvest date is {harvestOn}.",
  "trace.finding.off_label":
    "Record {seq}: the registration label of {input} names {labelCropEn}, not {cropEn}. Using a pesticide on a crop its label does not name is off-label use (Pesticide Regulations, art. 34); this lot cannot be sold.",
  "trace.finding.off_label_catalogue":
    "Record {seq}: in the platform's catalogue {input} is not registered for {cropEn}, and the record does not state the crop and interval on its label. A use that is not registered is not allowed (Pesticide Regulations, art. 34), so this lot cannot be sold for now; if the label does name {cropEn}, correct this record from the label.",
  "trace.finding.off_label_undeclared":
    "Record {seq}: {input} does not state the crop and pre-harvest interval registered on its label, so its use on {cropEn} cannot be confirmed (Pesticide Regulations, art. 34); this lot cannot be sold for now. Correct this record from the pesticide label.",
  "trace.finding.highly_toxic_on_crop":
    "Record {seq} uses {substanceEn} ({input}), a highly or extremely toxic pesticide, on {cropEn}. Such pesticides must never be used on {groupEn} (Pesticide Regulations, art. 34); this lot cannot be sold.",
  "trace.finding.withdrawal_violated":
    "Record {seq}: the veterinary drug {input} was last given on {appliedOn}; its withdrawal period is {days} days, so slaughter or sale may start on {earliestOn}, but the date is {harvestOn}.",
  "trace.finding.too_many_applications": "{input} was applied {count} times to this lot; the label allows at most {max}.",
  "trace.finding.missing_certificate":
    "This category must carry a commitment compliance certificate (承诺达标合格证); this lot has no valid one yet (missing: {missingEn}).",
  "trace.finding.no_passing_inspection": "This lot has no passing test or inspection yet.",
  "trace.finding.failed_inspection": "Record {seq}: the latest test failed; the lot needs a passing test before it can be sold.",
  "trace.finding.inputs_after_inspection": "Record {seq}: an input was applied after the latest passing test; the lot needs to be tested again.",
  "trace.finding.no_batch":
    "This listing has no lot yet. Every listing must carry a complete trace chain: create a lot and record planting, inputs, harvest, testing and packing (with the certificate).",
  "trace.finding.chain_broken": "This lot's trace chain failed verification: {reason}",
  "trace.finding.lot_recalled": "This lot has been recalled and cannot be offered for sale.",
  "trace.blocked.lot": "Lot {lotCode}: {message}",

  "trace.cert.productName": "product name",
  "trace.cert.quantity": "quantity",
  "trace.cert.unit": "unit",
  "trace.cert.origin": "origin",
  "trace.cert.issuedAt": "issue date",
  "trace.cert.entityName": "committing entity",
  "trace.cert.entityContact": "contact",
  "trace.cert.commitment": "commitment",
  "trace.cert.certificate": "certificate",

  "trace.verify.ok": "The trace chain is intact: none of its {checked} records has been altered.",
  "trace.verify.seq_gap": "Record {seq} is missing, duplicated or out of order.",
  "trace.verify.content_hash": "The content of record {seq} has been changed.",
  "trace.verify.malformed": "Record {seq} does not match its lot or its signing key.",
  "trace.verify.prev_hash": "The link from record {seq} to the record before it is broken.",
  "trace.verify.event_hash": "The hash of record {seq} is wrong.",
  "trace.verify.unknown_key": "Record {seq} is signed with a key that is unknown or not its author's.",
  "trace.verify.signature": "The signature of record {seq} is not valid.",

  "trace.regno.empty": "Enter the pesticide registration number.",
  "trace.regno.format": "Registration numbers are PD or WP followed by 8 digits (e.g. PD20080005).",
  "trace.regno.temporary_expired": "Temporary registrations (LS/WL) ended in June 2017; this number is no longer valid.",
  "trace.fertregno.empty": "Enter the fertiliser registration number.",
  "trace.fertregno.format": "Fertiliser registration numbers look like 农肥(2019)准字1234号, 农肥(2019)临字1234号 or 微生物肥(2020)准字(1234)号.",
  "trace.vetregno.empty": "Enter the veterinary drug approval number.",
  "trace.vetregno.format":
    "Veterinary drug approval numbers look like 兽药字(2019)150681234 (兽药字, 兽药生字 or 兽药添字, the year in brackets, then 9 digits).",
};

export type TraceMessageKey = keyof typeof zh;
export type TraceLocale = "zh" | "en";

export function formatMessage(locale: TraceLocale, key: TraceMessageKey, params: Record<string, string | number> = {}): string {
  const template = (locale === "en" ? en : zh)[key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
