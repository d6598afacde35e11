// admin: the street admin's pages, one section each ('#/admin/SECTION'):
//  areas       import areas as GeoJSON (a file or pasted text), the server's
//              checks shown with the feature and property they name; the
//              stored areas by kind, and the export;
//  categories  case categories: names, group, the three deadlines (accept,
//              contact, resolve: working hours, working days or calendar
//              time), the reminder, the duplicate radius, active or retired;
//  rules       the routing rules (category × inside / outside the red line ×
//              area → handler, starting tier), add and delete, and a
//              preview of where a report at a point would go and why;
//  calendar    the year's holidays and 调休 workdays, add or remove a day;
//  users       accounts within the admin's scope: make one (a generated
//              password is shown once), change role and scope, reset the
//              password, disable;
//  keys        API keys: make one (the key is shown once, with a copy
//              button), revoke.
// Everything comes from the public API; only street admins get the page.
import {
  addTexts, api, countdown, field, fmtDate, fmtTime, go, h, lang, loading, pick, styles, t, toast, whoami,
} from '../core.js';

addTexts({
  zh: {
    adm_title: '管理', adm_heading: '街道管理', adm_sections: '管理栏目',
    adm_need_login: '管理页面供街道管理员使用，请先登录。',
    adm_only_admins: '管理页面只供街道管理员使用。您的账号（{role}）不能管理区域、类别、日历和账号；如需调整，请联系街道管理员。',
    adm_back_home: '返回首页', adm_no_section: '没有这个管理栏目。', adm_scope: '管理范围：{scope}',
    adm_s_areas: '区域', adm_s_categories: '诉求类别', adm_s_rules: '分派规则', adm_s_calendar: '工作日历',
    adm_s_users: '账号', adm_s_keys: 'API 密钥',
    adm_save: '保存', adm_saving: '正在保存…', adm_create: '新建', adm_edit: '修改', adm_delete: '删除',
    adm_confirm_delete: '确认删除', adm_confirm: '确认', adm_copy: '复制', adm_copied: '已复制到剪贴板',
    adm_copy_manual: '无法自动复制，请选中后手动复制。', adm_all: '全部', adm_none: '—',
    adm_pick: '请选择', adm_loading_failed: '加载失败：{msg}', adm_you: '（您本人）',
    adm_shown_once: '只显示这一次：请立即复制并妥善保存，离开本页后无法再次查看。',
    // areas
    adm_import: '导入区域（GeoJSON）',
    adm_import_hint: '上传或粘贴 GeoJSON：FeatureCollection 整体导入（全部成功或全部不导入，编码已存在的区域会被整体替换）；单个 Feature 新建一个区域。坐标为 WGS84 [经度, 纬度]；上级用 parent_code 指定。',
    adm_import_file: '选择 GeoJSON 文件', adm_import_text: 'GeoJSON 内容',
    adm_import_text_hint: '选择文件后内容会显示在这里，也可以直接粘贴或修改。',
    adm_import_go: '导入', adm_importing: '正在导入…', adm_import_empty: '请先选择文件或粘贴 GeoJSON。',
    adm_import_bad_json: '不是有效的 JSON：{msg}', adm_import_summary: '{n} 个要素：{kinds}',
    adm_import_ok: '已导入 {n} 个区域。', adm_import_created: '已新建区域 {code}（{name}）。',
    adm_import_failed: '导入未执行，没有任何更改。服务器的检查结果：',
    adm_where_feature: '出错的要素', adm_where_nth: 'features[{i}]（第 {n} 个）', adm_where_code: '编码',
    adm_where_name: '名称', adm_where_prop: '属性', adm_file_failed: '无法读取文件：{msg}',
    adm_areas_list: '现有区域', adm_areas_filter: '按名称或编码筛选', adm_areas_more: '共 {n} 个，只显示前 {m} 个，请用筛选缩小范围。',
    adm_areas_count: '{n} 个', adm_export: '下载全部区域（GeoJSON）',
    adm_col_code: '编码', adm_col_name: '名称', adm_col_name_en: '英文名', adm_col_parent: '上级',
    adm_col_households: '户数', adm_col_population: '常住人口',
    adm_kind_city: '市', adm_kind_district: '区', adm_kind_street: '街道', adm_kind_community: '社区',
    adm_kind_grid: '网格', adm_kind_compound: '小区',
    // categories
    adm_cat_list: '诉求类别', adm_cat_hint: '时限从反映提交时起算；工作小时为工作日 08:30–12:00、14:00–18:00，工作日按工作日历计算。',
    adm_cat_new: '新建类别', adm_cat_edit: '修改类别：{name}', adm_cat_retired: '已停用', adm_cat_active_b: '使用中',
    adm_cat_saved: '类别 {code} 已保存。', adm_cat_created: '已新建类别 {code}。',
    adm_col_sort: '排序', adm_col_group: '分组', adm_col_accept: '受理时限', adm_col_contact: '联系时限',
    adm_col_resolve: '办结时限', adm_col_remind: '催办提前', adm_col_radius: '查重半径', adm_col_state: '状态',
    adm_col_actions: '操作',
    adm_f_code: '编码（service_code）', adm_f_code_hint: '1–64 个字母、数字或 . _ -，创建后不能修改。',
    adm_f_name: '名称', adm_f_name_en: '英文名称', adm_f_group: '分组', adm_f_group_en: '英文分组',
    adm_f_description: '说明', adm_f_description_en: '英文说明', adm_f_keywords: '关键词',
    adm_f_keywords_hint: '用逗号分隔，帮助居民找到类别。',
    adm_f_deadlines: '时限', adm_f_accept: '受理时限', adm_f_contact: '联系反映人时限', adm_f_resolve: '办结时限',
    adm_f_n: '数量', adm_f_kind: '计时方式',
    adm_dk_working_hours: '工作小时', adm_dk_working_days: '工作日', adm_dk_hours: '小时（日历时间）', adm_dk_minutes: '分钟（日历时间）',
    adm_dur_working_hours: '{n} 工作小时', adm_dur_working_days: '{n} 个工作日', adm_dur_hours: '{n} 小时',
    adm_dur_minutes: '{n} 分钟',
    adm_f_remind: '催办提前（小时）', adm_f_remind_hint: '到期前这么多小时提醒承办人（0–720）。',
    adm_f_radius: '查重半径（米）', adm_f_radius_hint: '同类未办结诉求在此距离内视为可能重复（0–5000）。',
    adm_f_sort: '排序', adm_f_active: '使用中（居民可选择此类别）',
    adm_f_attrs_kept: '此类别的附加问题（Open311 属性）保持不变。', adm_hours_n: '{n} 小时', adm_meters_n: '{n} 米',
    // rules
    adm_rules_list: '分派规则', adm_rules_hint: '最具体的规则优先：先看区域（越小越优先），再看类别，再看位置；没有规则时由网格先办理。',
    adm_rule_new: '新增规则', adm_rule_created: '已新增规则 #{id}。', adm_rule_deleted: '规则 #{id} 已删除。',
    adm_col_id: '编号', adm_col_category: '类别', adm_col_place: '位置', adm_col_area: '区域', adm_col_handler: '承办',
    adm_col_tier: '起始层级', adm_col_note: '说明',
    adm_any_category: '任何类别', adm_whole_street: '全部区域',
    adm_place_any: '不限', adm_place_inside: '小区红线内', adm_place_outside: '小区红线外',
    adm_h_grid_worker: '网格员', adm_h_property_company: '物业公司', adm_h_community_office: '社区',
    adm_h_street_office: '街道', adm_h_department: '区直部门',
    adm_tier_grid: '网格', adm_tier_community: '社区', adm_tier_street: '街道',
    adm_f_service_code: '类别', adm_f_place: '位置', adm_f_area: '区域（编码，可不填）',
    adm_f_area_hint: '只在该区域及其下级适用；不填则全部区域适用。', adm_f_handler: '承办方', adm_f_org: '区直部门',
    adm_f_tier: '起始层级', adm_f_note: '说明（会写入分派理由）', adm_f_note_en: '英文说明',
    adm_preview: '检查一个地点的分派', adm_preview_hint: '在地图上点选位置，或输入经纬度；结果与居民提交时的分派完全一致。',
    adm_f_lat: '纬度', adm_f_long: '经度', adm_f_compound: '小区编码（可不填）', adm_preview_go: '检查',
    adm_preview_need_cat: '请先选择类别。', adm_map_failed: '地图暂时无法加载：{msg}',
    adm_pv_place: '位置', adm_pv_inside: '在小区红线内', adm_pv_outside: '在小区红线外', adm_pv_handler: '承办',
    adm_pv_tier: '起始层级', adm_pv_reason: '理由', adm_pv_rule: '依据规则 #{id}', adm_pv_default: '没有适用的规则：由网格先办理',
    adm_pv_deadlines: '若现在提交，时限为', adm_pv_nearby: '附近有 {n} 件同类诉求正在办理',
    // calendar
    adm_cal_title: '{year} 年工作日历', adm_cal_hint: '放假日不上班（即使是工作日）；调休上班日是要上班的星期六或星期日。其余按正常周末计算。',
    adm_cal_prev: '上一年', adm_cal_next: '下一年', adm_cal_working: '全年 {n} 个工作日',
    adm_cal_days: '已设置的日期', adm_cal_none: '这一年还没有设置放假或调休。', adm_cal_add: '设置一天',
    adm_cal_added: '{date} 已设为{kind}。', adm_cal_removed: '{date} 已恢复为普通日期。',
    adm_cal_legend_holiday: '放假', adm_cal_legend_workday: '调休上班', adm_cal_legend_rest: '周末休息',
    adm_col_date: '日期', adm_col_weekday: '星期', adm_col_kind: '类型', adm_col_occasion: '节日或事由',
    adm_f_date: '日期', adm_f_day_kind: '类型', adm_f_occasion: '节日或事由',
    adm_day_holiday: '放假', adm_day_workday: '调休上班', adm_cal_csv: '下载 CSV',
    adm_wd: '一二三四五六日',
    // users
    adm_users_list: '账号', adm_users_hint: '您可以管理 {scope} 范围内的账号，以及居民和志愿者账号。',
    adm_user_new: '新建账号', adm_f_login: '账号', adm_f_login_hint: '2–64 个字母、数字或 _ - . @',
    adm_f_role: '角色', adm_f_scope: '管辖范围（编码）', adm_f_password: '初始密码',
    adm_f_password_hint: '至少 8 个字符；留空则由系统生成，只显示一次。',
    adm_f_filter_role: '按角色筛选', adm_f_filter_q: '按账号筛选', adm_filter: '筛选',
    adm_user_created: '已创建账号 {login}。', adm_user_password: '{login} 的密码',
    adm_user_saved: '账号 {login} 已保存。', adm_user_edit: '修改账号：{login}',
    adm_user_disable: '停用', adm_user_enable: '启用', adm_user_reset: '重置密码',
    adm_user_disabled: '已停用 {login}，其登录已全部失效。', adm_user_enabled: '已启用 {login}。',
    adm_col_login: '账号', adm_col_role: '角色', adm_col_scope: '管辖范围', adm_col_status: '状态',
    adm_col_last: '最近登录', adm_col_created: '创建', adm_st_active: '正常', adm_st_disabled: '已停用',
    adm_never: '从未登录', adm_by: '{time}，{who}',
    adm_role_resident: '居民', adm_role_volunteer: '志愿者', adm_role_grid_worker: '网格员',
    adm_role_community_staff: '社区“两委”干部', adm_role_street_admin: '街道管理员',
    adm_role_department_staff: '区直部门工作人员', adm_role_member_unit: '成员单位', adm_role_api_client: 'API 客户端',
    adm_role_api_client_long: 'API 客户端（只读公开信息、提交反映）', adm_by_cli: '命令行', adm_by_key: 'API 密钥 {name}',
   
    // keys
    adm_keys_list: 'API 密钥', adm_keys_hint: '供其他系统（如 12345 平台、Open311 客户端）调用接口；请求头 Authorization: Bearer 密钥。',
    adm_key_new: '新建 API 密钥', adm_f_key_name: '名称', adm_f_key_name_hint: '写明使用方，如“惠州 12345 热线”。',
    adm_key_created: '已创建 API 密钥 {name}。', adm_key_value: '{name} 的密钥', adm_key_revoke: '吊销',
    adm_key_revoked: '密钥 {name} 已吊销，使用它的请求将被拒绝。', adm_col_prefix: '前缀',
    adm_st_valid: '有效', adm_st_revoked: '已吊销 {time}',
  },
  en: {
    adm_title: 'Admin', adm_heading: 'Street administration', adm_sections: 'Admin sections',
    adm_need_login: 'The admin pages are for street administrators. Please sign in.',
    adm_only_admins: 'The admin pages are for street administrators only. Your account ({role}) cannot manage areas, categories, the calendar or accounts; ask a street administrator for changes.',
    adm_back_home: 'Back to the home page', adm_no_section: 'There is no such admin section.', adm_scope: 'You manage: {scope}',
    adm_s_areas: 'Areas', adm_s_categories: 'Categories', adm_s_rules: 'Routing rules', adm_s_calendar: 'Calendar',
    adm_s_users: 'Accounts', adm_s_keys: 'API keys',
    adm_save: 'Save', adm_saving: 'Saving…', adm_create: 'Create', adm_edit: 'Edit', adm_delete: 'Delete',
    adm_confirm_delete: 'Really delete', adm_confirm: 'Confirm', adm_copy: 'Copy', adm_copied: 'Copied to the clipboard',
    adm_copy_manual: 'Cannot copy automatically; select the text and copy it.', adm_all: 'All',
    adm_none: '—', adm_pick: 'Choose…', adm_loading_failed: 'Could not load: {msg}', adm_you: ' (you)',
    adm_shown_once: 'Shown only this once: copy it now and keep it safe; it cannot be shown again after you leave this page.',
    adm_import: 'Import areas (GeoJSON)',
    adm_import_hint: 'Upload or paste GeoJSON: a FeatureCollection is imported whole (all or nothing; areas whose code exists are replaced); a single Feature creates one area. Coordinates are WGS84 [longitude, latitude]; parent_code names the parent.',
    adm_import_file: 'Choose a GeoJSON file', adm_import_text: 'GeoJSON',
    adm_import_text_hint: 'A chosen file appears here; you may also paste or edit.',
    adm_import_go: 'Import', adm_importing: 'Importing…', adm_import_empty: 'Choose a file or paste GeoJSON first.',
    adm_import_bad_json: 'This is not valid JSON: {msg}', adm_import_summary: '{n} features: {kinds}',
    adm_import_ok: '{n} areas imported.', adm_import_created: 'Area {code} ({name}) created.',
    adm_import_failed: 'Nothing was imported or changed. What the server found:',
    adm_where_feature: 'Feature', adm_where_nth: 'features[{i}] (number {n})', adm_where_code: 'Code',
    adm_where_name: 'Name', adm_where_prop: 'Property', adm_file_failed: 'The file cannot be read: {msg}',
    adm_areas_list: 'Stored areas', adm_areas_filter: 'Filter by name or code',
    adm_areas_more: '{n} in all; the first {m} are shown. Filter to narrow them down.', adm_areas_count: '{n}',
    adm_export: 'Download every area (GeoJSON)',
    adm_col_code: 'Code', adm_col_name: 'Name', adm_col_name_en: 'English name', adm_col_parent: 'Parent',
    adm_col_households: 'Households', adm_col_population: 'Residents',
    adm_kind_city: 'Cities', adm_kind_district: 'Districts', adm_kind_street: 'Streets', adm_kind_community: 'Communities',
    adm_kind_grid: 'Grids', adm_kind_compound: 'Compounds',
    adm_cat_list: 'Case categories', adm_cat_hint: 'Deadlines run from when a report is made; working hours are 08:30–12:00 and 14:00–18:00 on working days, which follow the working-day calendar.',
    adm_cat_new: 'New category', adm_cat_edit: 'Edit category: {name}', adm_cat_retired: 'retired', adm_cat_active_b: 'active',
    adm_cat_saved: 'Category {code} saved.', adm_cat_created: 'Category {code} created.',
    adm_col_sort: 'Order', adm_col_group: 'Group', adm_col_accept: 'Accept within', adm_col_contact: 'Contact within',
    adm_col_resolve: 'Resolve within', adm_col_remind: 'Reminder', adm_col_radius: 'Duplicate radius', adm_col_state: 'State',
    adm_col_actions: 'Actions',
    adm_f_code: 'Code (service_code)', adm_f_code_hint: '1–64 letters, digits or . _ -; cannot change later.',
    adm_f_name: 'Name (Chinese)', adm_f_name_en: 'Name (English)', adm_f_group: 'Group (Chinese)', adm_f_group_en: 'Group (English)',
    adm_f_description: 'Description (Chinese)', adm_f_description_en: 'Description (English)', adm_f_keywords: 'Keywords',
    adm_f_keywords_hint: 'Comma-separated; they help residents find the category.',
    adm_f_deadlines: 'Deadlines', adm_f_accept: 'Accept within', adm_f_contact: 'Contact the reporter within',
    adm_f_resolve: 'Resolve within', adm_f_n: 'Amount', adm_f_kind: 'Counted in',
    adm_dk_working_hours: 'working hours', adm_dk_working_days: 'working days', adm_dk_hours: 'hours (calendar time)',
    adm_dk_minutes: 'minutes (calendar time)',
    adm_dur_working_hours: '{n} working h', adm_dur_working_days: '{n} working days', adm_dur_hours: '{n} h',
    adm_dur_minutes: '{n} min',
    adm_f_remind: 'Reminder (hours before)', adm_f_remind_hint: 'Remind the handler this many hours before a deadline (0–720).',
    adm_f_radius: 'Duplicate radius (metres)', adm_f_radius_hint: 'Open reports of the category this close are offered as possible duplicates (0–5000).',
    adm_f_sort: 'Order', adm_f_active: 'Active (residents can choose it)',
    adm_f_attrs_kept: "The category's extra questions (Open311 attributes) are kept as they are.", adm_hours_n: '{n} h',
    adm_meters_n: '{n} m',
    adm_rules_list: 'Routing rules', adm_rules_hint: 'The most specific rule wins: the area first (smaller beats larger), then the category, then the place; without a rule the grid handles it first.',
    adm_rule_new: 'New rule', adm_rule_created: 'Rule #{id} added.', adm_rule_deleted: 'Rule #{id} deleted.',
    adm_col_id: 'No.', adm_col_category: 'Category', adm_col_place: 'Place', adm_col_area: 'Area', adm_col_handler: 'Handler',
    adm_col_tier: 'Starting tier', adm_col_note: 'Note',
    adm_any_category: 'Any category', adm_whole_street: 'Everywhere',
    adm_place_any: 'anywhere', adm_place_inside: 'inside a red line', adm_place_outside: 'outside red lines',
    adm_h_grid_worker: 'grid worker', adm_h_property_company: 'property company', adm_h_community_office: 'community office',
    adm_h_street_office: 'street office', adm_h_department: 'district department',
    adm_tier_grid: 'grid', adm_tier_community: 'community', adm_tier_street: 'street',
    adm_f_service_code: 'Category', adm_f_place: 'Place', adm_f_area: 'Area (code, optional)',
    adm_f_area_hint: 'The rule applies in this area and below; empty: everywhere.', adm_f_handler: 'Handler',
    adm_f_org: 'District department', adm_f_tier: 'Starting tier', adm_f_note: 'Note (part of the routing reason)',
    adm_f_note_en: 'Note (English)',
    adm_preview: 'Check where a report would go', adm_preview_hint: 'Click the map or type the coordinates; the answer is exactly what a report made there now would get.',
    adm_f_lat: 'Latitude', adm_f_long: 'Longitude', adm_f_compound: 'Compound code (optional)', adm_preview_go: 'Check',
    adm_preview_need_cat: 'Choose a category first.', adm_map_failed: 'The map cannot be shown right now: {msg}',
    adm_pv_place: 'Place', adm_pv_inside: 'inside the red line', adm_pv_outside: 'outside the red lines', adm_pv_handler: 'Handler',
    adm_pv_tier: 'Starting tier', adm_pv_reason: 'Why', adm_pv_rule: 'by rule #{id}', adm_pv_default: 'no rule applies: the grid handles it first',
    adm_pv_deadlines: 'Made now, its deadlines would be', adm_pv_nearby: '{n} open reports of the category nearby',
    adm_cal_title: 'Working-day calendar {year}', adm_cal_hint: 'Holidays are days off even on weekdays; 调休 workdays are Saturdays or Sundays that are worked. Every other day follows the plain week.',
    adm_cal_prev: 'Previous year', adm_cal_next: 'Next year', adm_cal_working: '{n} working days in the year',
    adm_cal_days: 'Days set', adm_cal_none: 'No holidays or 调休 workdays are set for this year yet.', adm_cal_add: 'Set a day',
    adm_cal_added: '{date} is now a {kind}.', adm_cal_removed: '{date} is a plain day again.',
    adm_cal_legend_holiday: 'holiday', adm_cal_legend_workday: '调休 workday', adm_cal_legend_rest: 'weekend',
    adm_col_date: 'Date', adm_col_weekday: 'Weekday', adm_col_kind: 'Kind', adm_col_occasion: 'Occasion',
    adm_f_date: 'Date', adm_f_day_kind: 'Kind', adm_f_occasion: 'Occasion',
    adm_day_holiday: 'holiday', adm_day_workday: '调休 workday', adm_cal_csv: 'Download CSV',
    adm_wd: 'MTWTFSS',
    adm_users_list: 'Accounts', adm_users_hint: 'You manage the accounts within {scope}, and residents and volunteers.',
    adm_user_new: 'New account', adm_f_login: 'Login', adm_f_login_hint: '2–64 letters, digits or _ - . @',
    adm_f_role: 'Role', adm_f_scope: 'Scope (code)', adm_f_password: 'Initial password',
    adm_f_password_hint: 'At least 8 characters; leave empty to have one generated, shown only once.',
    adm_f_filter_role: 'Role', adm_f_filter_q: 'Login contains', adm_filter: 'Filter',
    adm_user_created: 'Account {login} created.', adm_user_password: 'Password of {login}',
    adm_user_saved: 'Account {login} saved.', adm_user_edit: 'Edit account: {login}',
    adm_user_disable: 'Disable', adm_user_enable: 'Enable', adm_user_reset: 'Reset password',
    adm_user_disabled: '{login} disabled; all its sessions have ended.', adm_user_enabled: '{login} enabled.',
    adm_col_login: 'Login', adm_col_role: 'Role', adm_col_scope: 'Scope', adm_col_status: 'Status',
    adm_col_last: 'Last sign-in', adm_col_created: 'Created', adm_st_active: 'active', adm_st_disabled: 'disabled',
    adm_never: 'never', adm_by: '{time}, {who}',
    adm_role_resident: 'resident', adm_role_volunteer: 'volunteer', adm_role_grid_worker: 'grid worker',
    adm_role_community_staff: 'community staff', adm_role_street_admin: 'street admin',
    adm_role_department_staff: 'department staff', adm_role_member_unit: 'member unit',
    adm_role_api_client: 'API client', adm_role_api_client_long: 'API client (public reads, reports)',
    adm_by_cli: 'command line', adm_by_key: 'API key {name}',
    adm_keys_list: 'API keys', adm_keys_hint: 'For other systems (a 12345 platform, Open311 clients): they send the header Authorization: Bearer KEY.',
    adm_key_new: 'New API key', adm_f_key_name: 'Name', adm_f_key_name_hint: 'Who uses it, e.g. "Huizhou 12345 hotline".',
    adm_key_created: 'API key {name} created.', adm_key_value: 'The key of {name}', adm_key_revoke: 'Revoke',
    adm_key_revoked: 'Key {name} revoked; requests with it are refused.', adm_col_prefix: 'Prefix',
    adm_st_valid: 'valid', adm_st_revoked: 'revoked {time}',
  },
});

export const title = 'adm_title';

const SECTIONS = ['areas', 'categories', 'rules', 'calendar', 'users', 'keys'];
const AREA_KINDS = ['city', 'district', 'street', 'community', 'grid', 'compound'];
const USER_ROLES = ['resident', 'volunteer', 'grid_worker', 'community_staff', 'street_admin', 'department_staff', 'member_unit'];
const KEY_ROLES = ['api_client', ...USER_ROLES];
const DUR_KINDS = ['working_hours', 'working_days', 'hours', 'minutes'];
const DEADLINES = ['accept', 'contact', 'resolve'];
const PLACES = ['any', 'inside', 'outside'];
const HANDLERS = ['grid_worker', 'property_company', 'community_office', 'street_office', 'department'];
const TIERS = ['grid', 'community', 'street'];
/* Where the scope of a role comes from: [area kinds] or an organisation kind. */
const SCOPE_OF = {
  grid_worker: { areas: ['grid'] }, community_staff: { areas: ['community'] },
  street_admin: { areas: ['street', 'district', 'city'] }, department_staff: { org: 'district_department' },
  member_unit: { org: 'member_unit' },
};

const roleLabel = (r) => (KEY_ROLES.includes(r) ? t(`adm_role_${r}`) : r);
const durText = (d) => (d && DUR_KINDS.includes(d.kind) ? t(`adm_dur_${d.kind}`, { n: d.n }) : t('adm_none'));
/** Who made an account or key, from the audit trail's actor ("user:admin", "apikey:NAME", "cli"). */
const whoText = (actor) => (actor === 'cli' ? t('adm_by_cli') : actor.startsWith('apikey:')
  ? t('adm_by_key', { name: actor.slice(7) }) : actor.replace(/^user:/, ''));
const scopeText = (s) => (s ? `${s.name || ''} ${s.code}`.trim() : t('adm_none'));
const num = (n) => (n === null || n === undefined ? t('adm_none') : Number(n).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN'));

// ---- small building blocks ---------------------------------------------------------

/** A select of values with labels; value chosen; blank adds a first empty option with that label. */
function select(name, values, label, chosen, blank) {
  const s = h('select', { name });
  if (blank !== undefined) s.append(h('option', { value: '' }, blank));
  for (const v of values) {
    const o = h('option', { value: v }, label(v));
    o.defaultSelected = v === chosen; // what form.reset() goes back to
    s.append(o);
  }
  return s;
}

/** A table with a caption; cols [[key, text, cls]]; each row an array of cells (node or text). */
function table(caption, cols, rows, cls = '') {
  return h('div', { class: 'table-wrap' },
    h('table', { class: `adm-table ${cls}` },
      h('caption', { class: 'sr-only' }, caption),
      h('thead', {}, h('tr', {}, cols.map(([, text, c]) => h('th', { scope: 'col', class: c || false }, text)))),
      h('tbody', {}, rows.map((r) => h('tr', r.attrs || {},
        r.cells.map((cell, i) => h('td', { class: cols[i][2] || false, dataset: { label: cols[i][1] } }, cell)))))));
}

/** Clears the marks of a previous error in form. */
function clearErrors(form) {
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  for (const bad of form.querySelectorAll('[aria-invalid]')) bad.removeAttribute('aria-invalid');
}

/**
 * Shows err (an ApiError) in form next to the control the server named:
 * the control of that exact name, or the first whose name begins with it
 * ('deadlines.accept' → 'deadlines.accept.n'); otherwise at the top.
 */
function markError(form, err) {
  clearErrors(form);
  const msg = h('p', { class: 'field-error', role: 'alert' }, err.message);
  const f = err.field || '';
  const controls = [...form.elements].filter((el) => el.name);
  const control = f && (controls.find((el) => el.name === f) || controls.find((el) => el.name.startsWith(`${f}.`)) ||
    controls.find((el) => f.startsWith(`${el.name}.`)));
  if (control && !control.closest('[hidden]')) {
    control.setAttribute('aria-invalid', 'true');
    (control.closest('.field') || control.parentElement).append(msg);
    control.focus();
  } else {
    form.prepend(msg);
    msg.tabIndex = -1;
    msg.focus();
  }
}

/** Runs fn with button disabled and its text replaced meanwhile. */
async function busy(button, text, fn) {
  const was = button.textContent;
  button.disabled = true;
  button.textContent = text;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.textContent = was;
  }
}

/** A button that asks once more before acting: '删除' → '确认删除' + '取消'. */
function confirmButton(label, confirmLabel, action, cls = '') {
  const wrap = h('span', { class: 'adm-confirm' });
  const first = h('button', { type: 'button', class: cls }, label);
  const reset = () => wrap.replaceChildren(first);
  first.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'danger' }, confirmLabel);
    const no = h('button', { type: 'button' }, t('cancel'));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        await action();
      } catch (e) {
        toast(e.message);
        reset();
        first.focus();
      }
    });
    no.addEventListener('click', () => {
      reset();
      first.focus();
    });
    wrap.replaceChildren(yes, ' ', no);
    yes.focus();
  });
  reset();
  return wrap;
}

let secretSeq = 0;
/** A secret shown once (a password, an API key) with a copy button. */
function secretBox(heading, value) {
  // a text area, so that a long key wraps on a phone instead of hiding its end
  const input = h('textarea', { readonly: true, class: 'adm-secret-value', spellcheck: 'false', autocomplete: 'off',
    rows: value.length > 24 ? 3 : 1, value });
  const copy = h('button', { type: 'button', class: 'primary' }, t('adm_copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      toast(t('adm_copied'));
    } catch {
      input.select();
      // eslint-disable-next-line no-restricted-properties -- the fallback where the Clipboard API is refused
      toast(document.execCommand && document.execCommand('copy') ? t('adm_copied') : t('adm_copy_manual'));
    }
  });
  input.id = `adm-secret-${++secretSeq}`;
  return h('div', { class: 'adm-secret', role: 'status', tabindex: '-1' },
    h('label', { for: input.id }, heading),
    h('div', { class: 'adm-secret-row' }, input, copy),
    h('p', { class: 'hint' }, t('adm_shown_once')));
}

function failedInline(el, e, retry) {
  el.replaceChildren(h('div', { class: 'error', role: 'alert' },
    h('p', {}, t('adm_loading_failed', { msg: e.message })),
    retry ? h('button', { type: 'button', onclick: retry }, t('retry')) : null));
}

// ---- shared data, fetched once per page load ----------------------------------------

let areasOnce;
/** Every area without boundaries (about 330 on the demo street). */
function allAreas() {
  if (!areasOnce) {
    areasOnce = api('/api/v1/areas', { query: { geometry: 0 } }).then((fc) => fc.features.map((f) => f.properties));
    areasOnce.catch(() => { areasOnce = null; });
  }
  return areasOnce;
}
const orgsOnce = new Map();
function orgsOfKind(kind) {
  if (!orgsOnce.has(kind)) {
    const p = api('/api/v1/organisations', { query: { kind, limit: 1000 } }).then((r) => r.items);
    p.catch(() => orgsOnce.delete(kind));
    orgsOnce.set(kind, p);
  }
  return orgsOnce.get(kind);
}

/** Ids of the area `top` and every area below it. */
function subtree(areas, top) {
  const kids = new Map();
  for (const a of areas) {
    if (!kids.has(a.parent_id)) kids.set(a.parent_id, []);
    kids.get(a.parent_id).push(a.id);
  }
  const out = new Set([top]);
  const todo = [top];
  while (todo.length) for (const k of kids.get(todo.pop()) || []) if (!out.has(k)) { out.add(k); todo.push(k); }
  return out;
}

/** The admin's own scope in words: '淡水街道 DS' (the principal carries only its code). */
async function myScope(me) {
  if (!me.scope) return t('adm_none');
  try {
    const a = me.scope.kind === 'area' && (await allAreas()).find((x) => x.id === me.scope.id);
    return a ? `${pick(a)} ${a.code}` : me.scope.code;
  } catch {
    return me.scope.code;
  }
}

/** The codes a street admin may give a role (within their own scope), as [code, name]. */
async function scopeChoices(me, role) {
  const src = SCOPE_OF[role];
  if (!src) return [];
  const areas = await allAreas();
  const mine = me.scope && me.scope.kind === 'area' ? subtree(areas, me.scope.id) : new Set();
  if (src.areas) return areas.filter((a) => src.areas.includes(a.kind) && mine.has(a.id)).map((a) => [a.code, pick(a)]);
  const orgs = await orgsOfKind(src.org);
  return orgs.filter((o) => o.area && mine.has(o.area.id)).map((o) => [o.code, pick(o)]);
}

/** A scope field (text + suggestions) that follows a role select: hidden for roles without a scope. */
function scopeField(me, roleSelect, listId, value = '') {
  const input = h('input', { name: 'scope', list: listId, autocomplete: 'off', value, spellcheck: 'false' });
  const list = h('datalist', { id: listId });
  const named = h('small', { class: 'hint adm-scope-name', 'aria-live': 'polite' });
  const wrap = field(t('adm_f_scope'), input);
  wrap.append(named, list);
  let choices = [];
  // the name of the area or organisation typed, when it is one the admin may give
  const name = () => {
    const hit = choices.find(([code]) => code === input.value.trim());
    named.textContent = hit ? hit[1] : '';
  };
  input.addEventListener('input', name);
  const sync = async () => {
    const role = roleSelect.value;
    wrap.hidden = !SCOPE_OF[role];
    if (wrap.hidden) return;
    try {
      const got = await scopeChoices(me, role);
      if (roleSelect.value !== role) return;
      choices = got;
      list.replaceChildren(...choices.map(([code, n]) => h('option', { value: code }, n)));
    } catch {
      choices = [];
      list.replaceChildren(); // suggestions only: the field still takes a code
    }
    name();
  };
  roleSelect.addEventListener('change', sync);
  sync();
  return wrap;
}

// ---- the page ------------------------------------------------------------------------------

export async function render(root, { params, query }) {
  styles('admin');
  const raw = params[0] && params[0] !== 'undefined' ? params[0] : 'areas';
  const me = await whoami();
  if (!me) {
    const next = encodeURIComponent(`/admin/${raw}`);
    root.replaceChildren(h('section', { class: 'card narrow adm-gate' },
      h('h1', {}, t('adm_title')), h('p', {}, t('adm_need_login')),
      h('p', {}, h('a', { class: 'btn primary', href: `#/login?next=${next}` }, t('sign_in')))));
    return;
  }
  if (me.role !== 'street_admin') {
    root.replaceChildren(h('section', { class: 'card narrow adm-gate', role: 'alert' },
      h('h1', {}, t('adm_title')), h('p', {}, t('adm_only_admins', { role: roleLabel(me.role) })),
      h('p', {}, h('a', { href: '#/' }, t('adm_back_home')))));
    return;
  }
  const section = SECTIONS.includes(raw) ? raw : null;
  const nav = h('nav', { class: 'adm-tabs', 'aria-label': t('adm_sections') },
    SECTIONS.map((s) => h('a', { href: `#/admin/${s}`, class: 'adm-tab', 'aria-current': s === section ? 'page' : false },
      t(`adm_s_${s}`))));
  const body = h('div', { class: 'adm-body', id: section ? `adm-${section}` : false });
  const scopeLine = h('p', { class: 'muted adm-scope' }, t('adm_scope', { scope: me.scope ? me.scope.code : t('adm_none') }));
  myScope(me).then((s) => { scopeLine.textContent = t('adm_scope', { scope: s }); });
  root.replaceChildren(h('div', { class: 'adm-head' }, h('h1', {}, t('adm_heading')), scopeLine), nav, body);
  if (!section) {
    body.replaceChildren(h('p', { class: 'status' }, t('adm_no_section')));
    return;
  }
  document.title = `${t(`adm_s_${section}`)} · ${t('adm_title')} · ${t('brand')}`;
  const run = { areas, categories, rules, calendar, users, keys }[section];
  await run(body, me, query);
}

// ---- areas ------------------------------------------------------------------------------

/** What a GeoJSON text holds, for the line under the text box; throws on bad JSON. */
function summarise(doc) {
  const feats = doc && doc.type === 'FeatureCollection' && Array.isArray(doc.features) ? doc.features
    : doc && doc.type === 'Feature' ? [doc] : null;
  if (!feats) return null;
  const by = {};
  for (const f of feats) {
    const k = (f && f.properties && f.properties.kind) || '?';
    by[k] = (by[k] || 0) + 1;
  }
  const kinds = Object.entries(by).map(([k, n]) => `${AREA_KINDS.includes(k) ? t(`adm_kind_${k}`) : k} ${n}`).join(lang === 'en' ? ', ' : '、');
  return t('adm_import_summary', { n: feats.length, kinds });
}

/** The server's refusal of an import, with the feature it names looked up in what was sent. */
function importError(err, doc) {
  const out = h('div', { class: 'adm-import-error', role: 'alert', tabindex: '-1' },
    h('p', {}, h('strong', {}, t('adm_import_failed'))), h('p', { class: 'adm-import-msg' }, err.message));
  const m = /^features\[(\d+)\](?:\.(.+))?$/.exec(err.field || '');
  const single = /^(properties\.)?(.+)$/.exec(err.field || '');
  let f = null;
  let prop = null;
  let i = null;
  if (m) {
    i = Number(m[1]);
    f = doc && Array.isArray(doc.features) ? doc.features[i] : null;
    prop = m[2] || null;
  } else if (doc && doc.type === 'Feature' && single) {
    f = doc;
    prop = err.field;
  }
  if (i !== null || f) {
    const p = (f && f.properties) || {};
    const rows = [];
    if (i !== null) rows.push([t('adm_where_feature'), t('adm_where_nth', { i, n: i + 1 })]);
    if (p.code) rows.push([t('adm_where_code'), String(p.code)]);
    if (p.name) rows.push([t('adm_where_name'), String(p.name)]);
    if (prop) rows.push([t('adm_where_prop'), prop]);
    out.append(h('dl', { class: 'adm-where' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))));
  }
  return out;
}

async function areas(box, me) {
  const file = h('input', { type: 'file', name: 'file', accept: '.geojson,.json,application/geo+json,application/json' });
  const text = h('textarea', { name: 'geojson', rows: 10, spellcheck: 'false', class: 'adm-code', autocomplete: 'off' });
  const summary = h('p', { class: 'hint adm-summary', 'aria-live': 'polite' });
  const importBtn = h('button', { type: 'submit', class: 'primary' }, t('adm_import_go'));
  const result = h('div', { class: 'adm-result' });
  const form = h('form', { class: 'adm-import', novalidate: true },
    field(t('adm_import_file'), file),
    field(t('adm_import_text'), text, t('adm_import_text_hint')),
    summary, h('p', { class: 'actions' }, importBtn));
  const parse = () => {
    const s = text.value.trim();
    if (!s) return null;
    return JSON.parse(s);
  };
  const describe = () => {
    clearErrors(form);
    try {
      const doc = parse();
      summary.textContent = doc ? summarise(doc) || '' : '';
    } catch (e) {
      summary.textContent = t('adm_import_bad_json', { msg: e.message });
    }
  };
  let typing;
  text.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(describe, 300);
  });
  file.addEventListener('change', () => {
    const f = file.files && file.files[0];
    if (!f) return;
    const reader = new FileReader();
    reader.onload = () => {
      text.value = String(reader.result);
      describe();
    };
    reader.onerror = () => markError(form, { field: 'file', message: t('adm_file_failed', { msg: reader.error && reader.error.message }) });
    reader.readAsText(f);
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearTimeout(typing);
    describe();
    result.replaceChildren();
    let doc;
    try {
      doc = parse();
    } catch (e) {
      markError(form, { field: 'geojson', message: t('adm_import_bad_json', { msg: e.message }) });
      return;
    }
    if (!doc) {
      markError(form, { field: 'geojson', message: t('adm_import_empty') });
      return;
    }
    await busy(importBtn, t('adm_importing'), async () => {
      try {
        const r = await api('/api/v1/areas', { method: 'POST', json: doc });
        const ok = r && r.type === 'Feature'
          ? t('adm_import_created', { code: r.properties.code, name: pick(r.properties) })
          : t('adm_import_ok', { n: r.imported });
        result.replaceChildren(h('p', { class: 'adm-ok', role: 'status', tabindex: '-1' }, ok));
        areasOnce = null;
        await list();
        result.firstChild.focus();
      } catch (e) {
        // what the import checks (400, 409, 413) is shown with the feature it names
        if (![400, 409, 413].includes(e.status) || (e.field && !/^(features|properties|type|body|geometry)/.test(e.field))) {
          markError(form, e);
          return;
        }
        text.setAttribute('aria-invalid', 'true');
        const shown = importError(e, doc);
        result.replaceChildren(shown);
        shown.focus();
      }
    });
  });

  const listBox = h('div', { class: 'adm-areas' });
  let kind = 'community';
  let filter = '';
  const list = async () => {
    loading(listBox);
    let all;
    try {
      all = await allAreas();
    } catch (e) {
      failedInline(listBox, e, list);
      return;
    }
    const counts = Object.fromEntries(AREA_KINDS.map((k) => [k, all.filter((a) => a.kind === k).length]));
    const tabs = h('div', { class: 'adm-chips', role: 'group', 'aria-label': t('adm_col_kind') },
      AREA_KINDS.filter((k) => counts[k]).map((k) => h('button', {
        type: 'button', class: 'adm-chip', 'aria-pressed': String(k === kind), dataset: { kind: k },
        onclick: () => { kind = k; draw(); },
      }, t(`adm_kind_${k}`), ' ', h('span', { class: 'adm-count' }, t('adm_areas_count', { n: counts[k] })))));
    const q = h('input', { type: 'search', name: 'q', value: filter, autocomplete: 'off' });
    q.addEventListener('input', () => { filter = q.value; draw(); });
    const byId = new Map(all.map((a) => [a.id, a]));
    const MAX = 200;
    const rowsOf = () => {
      const f = filter.trim().toLowerCase();
      const hit = all.filter((a) => a.kind === kind && (!f || `${a.code} ${a.name} ${a.name_en || ''}`.toLowerCase().includes(f)));
      const rows = hit.slice(0, MAX).map((a) => ({
        cells: [h('code', {}, a.code), a.name, a.name_en || t('adm_none'),
          a.parent_id ? `${byId.get(a.parent_id)?.name || ''} ${a.parent_code}` : t('adm_none'),
          num(a.households), num(a.population_resident)],
      }));
      return [
        hit.length > MAX ? h('p', { class: 'hint' }, t('adm_areas_more', { n: hit.length, m: MAX })) : null,
        rows.length ? table(t(`adm_kind_${kind}`), [['code', t('adm_col_code')], ['name', t('adm_col_name')],
          ['en', t('adm_col_name_en'), 'ph-hide'], ['parent', t('adm_col_parent'), 'ph-hide'],
          ['hh', t('adm_col_households'), 'num'], ['pop', t('adm_col_population'), 'num']], rows, 'adm-areas-t')
          : h('p', { class: 'status' }, t('no_items')),
      ];
    };
    const rowsBox = h('div', {});
    const draw = () => {
      for (const b of tabs.children) b.setAttribute('aria-pressed', String(b.dataset.kind === kind));
      rowsBox.replaceChildren(...rowsOf().filter(Boolean));
    };
    listBox.replaceChildren(tabs, field(t('adm_areas_filter'), q), rowsBox);
    draw();
  };

  box.replaceChildren(
    h('section', { class: 'card' }, h('h2', {}, t('adm_import')), h('p', { class: 'hint' }, t('adm_import_hint')), form, result),
    h('section', { class: 'card' },
      h('div', { class: 'adm-card-head' }, h('h2', {}, t('adm_areas_list')),
        h('a', { class: 'btn', href: '/api/v1/areas', download: 'areas.geojson' }, t('adm_export'))),
      listBox));
  await list();
}

// ---- categories -------------------------------------------------------------------------------

/** The form of a category (create when cat is null), answering through done(category). */
function categoryForm(cat, groups, done, cancel) {
  const create = !cat;
  const c = cat || { deadlines: {}, remind_hours: 4, duplicate_radius_m: 100, active: true, sort: 0 };
  const input = (name, value, attrs = {}) => h('input', { name, value: value ?? '', autocomplete: 'off', ...attrs });
  const area = (name, value) => h('textarea', { name, rows: 2 }, value || '');
  const code = input('code', c.code, { spellcheck: 'false', readonly: !create });
  const groupList = h('datalist', { id: 'adm-groups' }, groups.map(([g, ge]) => h('option', { value: g }, ge || '')));
  const groupField = field(t('adm_f_group'), input('group', c.group, { list: 'adm-groups' }));
  groupField.append(groupList);
  const dl = DEADLINES.map((d) => {
    const cur = (c.deadlines && c.deadlines[d]) || { kind: 'working_days', n: '' };
    return h('fieldset', { class: 'adm-deadline' }, h('legend', {}, t(`adm_f_${d}`)),
      field(t('adm_f_n'), input(`deadlines.${d}.n`, cur.n, { type: 'number', min: 1, max: 10000, step: 1, inputmode: 'numeric' })),
      field(t('adm_f_kind'), select(`deadlines.${d}.kind`, DUR_KINDS, (k) => t(`adm_dk_${k}`), cur.kind)));
  });
  const active = h('input', { type: 'checkbox', name: 'active', checked: c.active !== false });
  const save = h('button', { type: 'submit', class: 'primary' }, create ? t('adm_create') : t('adm_save'));
  const form = h('form', { class: 'adm-form', novalidate: true },
    h('div', { class: 'adm-grid' },
      field(t('adm_f_code'), code, create ? t('adm_f_code_hint') : null),
      field(t('adm_f_name'), input('name', c.name)),
      field(t('adm_f_name_en'), input('name_en', c.name_en)),
      groupField,
      field(t('adm_f_group_en'), input('group_en', c.group_en)),
      field(t('adm_f_keywords'), input('keywords', c.keywords), t('adm_f_keywords_hint'))),
    h('div', { class: 'adm-grid' },
      field(t('adm_f_description'), area('description', c.description)),
      field(t('adm_f_description_en'), area('description_en', c.description_en))),
    h('fieldset', { class: 'adm-deadlines' }, h('legend', {}, t('adm_f_deadlines')), dl),
    h('div', { class: 'adm-grid' },
      field(t('adm_f_remind'), input('remind_hours', c.remind_hours, { type: 'number', min: 0, max: 720, inputmode: 'numeric' }), t('adm_f_remind_hint')),
      field(t('adm_f_radius'), input('duplicate_radius_m', c.duplicate_radius_m, { type: 'number', min: 0, max: 5000, inputmode: 'numeric' }), t('adm_f_radius_hint')),
      field(t('adm_f_sort'), input('sort', c.sort, { type: 'number', step: 1, inputmode: 'numeric' }))),
    h('div', { class: 'field check' }, h('label', {}, active, ' ', t('adm_f_active'))),
    !create && c.attributes && c.attributes.length ? h('p', { class: 'hint' }, t('adm_f_attrs_kept')) : null,
    h('p', { class: 'actions' }, save, h('button', { type: 'button', onclick: cancel }, t('cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const val = (n) => form.elements[n].value.trim();
    const int = (n) => (form.elements[n].value === '' ? undefined : Number(form.elements[n].value));
    const body = {};
    if (create) body.code = val('code');
    for (const n of ['name', 'name_en', 'group', 'group_en', 'keywords']) body[n] = val(n);
    for (const n of ['description', 'description_en']) body[n] = form.elements[n].value;
    body.deadlines = {};
    for (const d of DEADLINES) {
      const n = int(`deadlines.${d}.n`);
      if (n !== undefined || create) body.deadlines[d] = { kind: form.elements[`deadlines.${d}.kind`].value, n: n ?? null };
    }
    if (create && DEADLINES.every((d) => body.deadlines[d].n === null)) delete body.deadlines;
    else if (create) for (const d of DEADLINES) if (body.deadlines[d].n === null) delete body.deadlines[d];
    for (const n of ['remind_hours', 'duplicate_radius_m', 'sort']) if (int(n) !== undefined) body[n] = int(n);
    body.active = active.checked;
    await busy(save, t('adm_saving'), async () => {
      try {
        const r = create
          ? await api('/api/v1/categories', { method: 'POST', json: body })
          : await api(`/api/v1/categories/${encodeURIComponent(c.code)}`, { method: 'PATCH', json: body });
        done(r);
      } catch (e) {
        markError(form, e);
      }
    });
  });
  return form;
}

async function categories(box) {
  const editor = h('div', {});
  const listBox = h('div', {});
  const newBtn = h('button', { type: 'button', class: 'primary' }, t('adm_cat_new'));
  let cats = [];
  const groups = () => [...new Map(cats.map((c) => [c.group, c.group_en])).entries()];
  const close = (focus) => {
    editor.replaceChildren();
    if (focus) focus.focus();
  };
  const open = (cat, from) => {
    const heading = h('h2', { tabindex: '-1' }, cat ? t('adm_cat_edit', { name: pick(cat) }) : t('adm_cat_new'));
    const form = categoryForm(cat, groups(), async (saved) => {
      close();
      toast(t(cat ? 'adm_cat_saved' : 'adm_cat_created', { code: saved.code }));
      await list(saved.code);
    }, () => close(from));
    editor.replaceChildren(h('section', { class: 'card adm-editor', id: 'adm-cat-editor' }, heading, form));
    heading.focus();
  };
  newBtn.addEventListener('click', () => open(null, newBtn));
  const list = async (highlight) => {
    loading(listBox);
    try {
      cats = (await api('/api/v1/categories', { query: { all: 'true' } })).items;
    } catch (e) {
      failedInline(listBox, e, () => list(highlight));
      return;
    }
    const rows = cats.map((c) => {
      const edit = h('button', { type: 'button' }, t('adm_edit'));
      edit.addEventListener('click', () => open(c, edit));
      return {
        attrs: { dataset: { code: c.code }, class: c.code === highlight ? 'adm-hit' : false },
        cells: [pick(c) || c.code, h('code', {}, c.code), pick(c, 'group'), durText(c.deadlines.accept), durText(c.deadlines.contact), durText(c.deadlines.resolve),
          t('adm_hours_n', { n: c.remind_hours }), t('adm_meters_n', { n: c.duplicate_radius_m }),
          num(c.sort), h('span', { class: `badge ${c.active ? 'done' : 'muted'}` }, c.active ? t('adm_cat_active_b') : t('adm_cat_retired')),
          edit],
      };
    });
    listBox.replaceChildren(table(t('adm_cat_list'), [['name', t('adm_col_name'), 'lead'], ['code', t('adm_col_code')],
      ['group', t('adm_col_group')], ['a', t('adm_col_accept'), 'nw'], ['c', t('adm_col_contact'), 'nw'],
      ['r', t('adm_col_resolve'), 'nw'], ['rem', t('adm_col_remind'), 'nw ph-hide'],
      ['rad', t('adm_col_radius'), 'nw ph-hide'], ['sort', t('adm_col_sort'), 'num ph-hide'], ['st', t('adm_col_state')], ['act', t('adm_col_actions')]], rows, 'stack adm-cats'));
  };
  box.replaceChildren(editor,
    h('section', { class: 'card' },
      h('div', { class: 'adm-card-head' }, h('h2', {}, t('adm_cat_list')), newBtn),
      h('p', { class: 'hint' }, t('adm_cat_hint')), listBox));
  await list();
}

// ---- routing rules ----------------------------------------------------------------------------

async function rules(box) {
  const listBox = h('div', {});
  const formBox = h('div', {});
  const preview = h('div', {});
  let cats = [];
  let depts = [];
  const catName = (code) => {
    const c = cats.find((x) => x.code === code);
    if (!c || !pick(c)) return code;
    return lang === 'en' ? `${pick(c)} (${code})` : `${pick(c)}（${code}）`;
  };
  const list = async (highlight) => {
    loading(listBox);
    let items;
    try {
      [items, cats] = await Promise.all([api('/api/v1/routing-rules').then((r) => r.items),
        api('/api/v1/categories', { query: { all: 'true' } }).then((r) => r.items)]);
    } catch (e) {
      failedInline(listBox, e, () => list(highlight));
      return;
    }
    const order = new Map(cats.map((c, i) => [c.code, i]));
    items.sort((a, b) => (order.get(a.service_code) ?? -1) - (order.get(b.service_code) ?? -1) || a.id - b.id);
    const rows = items.map((r) => ({
      attrs: { dataset: { id: r.id }, id: `adm-rule-${r.id}`, class: r.id === highlight ? 'adm-hit' : false },
      cells: [`#${r.id}`, r.service_code ? catName(r.service_code) : t('adm_any_category'), t(`adm_place_${r.place}`),
        r.area ? `${r.area.name} ${r.area.code}` : t('adm_whole_street'),
        h('span', {}, HANDLERS.includes(r.handler) ? t(`adm_h_${r.handler}`) : r.handler,
          r.org ? h('small', { class: 'adm-org' }, r.org.name) : null),
        TIERS.includes(r.tier) ? t(`adm_tier_${r.tier}`) : r.tier, pick({ zh: r.note, en: r.note_en }) || t('adm_none'),
        confirmButton(t('adm_delete'), t('adm_confirm_delete'), async () => {
          await api(`/api/v1/routing-rules/${r.id}`, { method: 'DELETE' });
          toast(t('adm_rule_deleted', { id: r.id }));
          await list();
        })],
    }));
    listBox.replaceChildren(rows.length ? table(t('adm_rules_list'), [['id', t('adm_col_id'), 'lead'], ['cat', t('adm_col_category')],
      ['place', t('adm_col_place'), 'nw'], ['area', t('adm_col_area'), 'nw'], ['handler', t('adm_col_handler')],
      ['tier', t('adm_col_tier')], ['note', t('adm_col_note'), 'note'], ['act', t('adm_col_actions')]], rows, 'stack adm-rules')
      : h('p', { class: 'status' }, t('no_items')));
  };

  const newForm = async () => {
    try {
      depts = await orgsOfKind('district_department');
    } catch {
      depts = [];
    }
    const allA = await allAreas().catch(() => []);
    const areaList = h('datalist', { id: 'adm-rule-areas' },
      allA.filter((a) => ['street', 'community', 'grid'].includes(a.kind)).map((a) => h('option', { value: a.code }, a.name)));
    const handler = select('handler', HANDLERS, (x) => t(`adm_h_${x}`), 'grid_worker');
    const org = select('org', depts.map((d) => d.code), (code) => pick(depts.find((d) => d.code === code)), undefined, t('adm_none'));
    const orgField = field(t('adm_f_org'), org);
    const syncOrg = () => { orgField.hidden = handler.value !== 'department'; };
    handler.addEventListener('change', syncOrg);
    syncOrg();
    const areaInput = h('input', { name: 'area', list: 'adm-rule-areas', autocomplete: 'off', spellcheck: 'false' });
    const areaField = field(t('adm_f_area'), areaInput, t('adm_f_area_hint'));
    areaField.append(areaList);
    const add = h('button', { type: 'submit', class: 'primary' }, t('adm_create'));
    const form = h('form', { class: 'adm-form', novalidate: true },
      h('div', { class: 'adm-grid' },
        field(t('adm_f_service_code'), select('service_code', cats.map((c) => c.code), catName, undefined, t('adm_any_category'))),
        field(t('adm_f_place'), select('place', PLACES, (p) => t(`adm_place_${p}`), 'any')),
        areaField, field(t('adm_f_handler'), handler), orgField,
        field(t('adm_f_tier'), select('tier', TIERS, (x) => t(`adm_tier_${x}`), 'grid')),
        field(t('adm_f_note'), h('input', { name: 'note', autocomplete: 'off' })),
        field(t('adm_f_note_en'), h('input', { name: 'note_en', autocomplete: 'off' }))),
      h('p', { class: 'actions' }, add));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const body = {};
      for (const n of ['service_code', 'place', 'area', 'handler', 'tier', 'note', 'note_en']) {
        const v = form.elements[n].value.trim();
        if (v) body[n] = v;
      }
      if (handler.value === 'department' && org.value) body.org = org.value;
      await busy(add, t('adm_saving'), async () => {
        try {
          const r = await api('/api/v1/routing-rules', { method: 'POST', json: body });
          toast(t('adm_rule_created', { id: r.id }));
          form.reset();
          syncOrg();
          await list(r.id);
          document.getElementById(`adm-rule-${r.id}`)?.scrollIntoView({ block: 'center' });
        } catch (e) {
          markError(form, e);
        }
      });
    });
    formBox.replaceChildren(form);
  };

  box.replaceChildren(
    h('section', { class: 'card' }, h('h2', {}, t('adm_rules_list')), h('p', { class: 'hint' }, t('adm_rules_hint')), listBox),
    h('section', { class: 'card' }, h('h2', {}, t('adm_rule_new')), formBox),
    h('section', { class: 'card', id: 'adm-preview' }, h('h2', {}, t('adm_preview')),
      h('p', { class: 'hint' }, t('adm_preview_hint')), preview));
  await list();
  await newForm();
  previewPanel(preview, cats, (id) => list(id));
}

/** The routing preview: a category, a point (typed or clicked on the map) → GET /api/v1/route. */
function previewPanel(box, cats, showRule) {
  const cat = select('service_code', cats.filter((c) => c.active).map((c) => c.code),
    (code) => pick(cats.find((c) => c.code === code)) || code, undefined, t('adm_pick'));
  const lat = h('input', { name: 'lat', type: 'number', step: 'any', min: -90, max: 90, inputmode: 'decimal' });
  const long = h('input', { name: 'long', type: 'number', step: 'any', min: -180, max: 180, inputmode: 'decimal' });
  const compound = h('input', { name: 'compound', autocomplete: 'off', spellcheck: 'false' });
  const check = h('button', { type: 'submit', class: 'primary' }, t('adm_preview_go'));
  const out = h('div', { class: 'adm-pv', 'aria-live': 'polite' });
  const mapEl = h('div', { class: 'map adm-map' });
  const form = h('form', { class: 'adm-form', novalidate: true },
    h('div', { class: 'adm-grid adm-grid2' }, field(t('adm_f_service_code'), cat), field(t('adm_f_lat'), lat),
      field(t('adm_f_long'), long), field(t('adm_f_compound'), compound)),
    h('p', { class: 'actions' }, check));
  let marker = null;
  let mapRef = null;
  const run = async () => {
    clearErrors(form);
    if (!cat.value) {
      markError(form, { field: 'service_code', message: t('adm_preview_need_cat') });
      return;
    }
    await busy(check, t('loading'), async () => {
      try {
        const r = await api('/api/v1/route', {
          query: { service_code: cat.value, lat: lat.value, long: long.value, compound: compound.value.trim() },
        });
        out.replaceChildren(previewResult(r, showRule));
        if (mapRef && r.place && lat.value && long.value) {
          const ll = [Number(lat.value), Number(long.value)];
          if (marker) marker.setLatLng(ll);
          else marker = mapRef.L.marker(ll, { keyboard: false }).addTo(mapRef.map);
        }
      } catch (e) {
        out.replaceChildren();
        markError(form, e);
      }
    });
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    run();
  });
  box.replaceChildren(h('div', { class: 'adm-pv-layout' }, h('div', {}, form, out), mapEl));
  import('../map.js').then(({ streetMap }) => streetMap(mapEl)).then((m) => {
    mapRef = m;
    m.map.on('click', (e) => {
      lat.value = e.latlng.lat.toFixed(6);
      long.value = e.latlng.lng.toFixed(6);
      if (cat.value) run();
    });
  }).catch((e) => {
    mapEl.replaceChildren(h('p', { class: 'status' }, t('adm_map_failed', { msg: e.message })));
    mapEl.classList.add('adm-map-failed');
  });
}

function previewResult(r, showRule) {
  const p = r.place || {};
  const where = ['street', 'community', 'grid', 'compound'].map((k) => p[k] && p[k].name).filter(Boolean).join(' › ');
  const ro = r.routing || {};
  const paren = (x) => (lang === 'en' ? ` (${x})` : `（${x}）`);
  const handler = ro.handler ? pick(ro.handler) : '';
  const handlerKind = ro.handler && HANDLERS.includes(ro.handler.kind) ? t(`adm_h_${ro.handler.kind}`) : '';
  const rows = [
    [t('adm_pv_place'), `${where || t('adm_none')}${paren(p.inside_red_line ? t('adm_pv_inside') : t('adm_pv_outside'))}`],
    [t('adm_pv_handler'), handler ? `${handler}${handlerKind && handlerKind !== handler ? paren(handlerKind) : ''}` : t('adm_none')],
    [t('adm_pv_tier'), ro.tier && TIERS.includes(ro.tier) ? t(`adm_tier_${ro.tier}`) : t('adm_none')],
    [t('adm_pv_reason'), pick(ro, 'reason')],
  ];
  const rule = ro.rule_id
    ? h('button', { type: 'button', class: 'link', onclick: () => showRule(ro.rule_id).then(() => document.getElementById(`adm-rule-${ro.rule_id}`)?.scrollIntoView({ block: 'center' })) },
      t('adm_pv_rule', { id: ro.rule_id }))
    : h('span', { class: 'muted' }, t('adm_pv_default'));
  const dl = r.deadlines || {};
  return h('div', { class: 'adm-pv-result' },
    h('dl', { class: 'adm-dl' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
    h('p', {}, rule),
    h('p', { class: 'adm-pv-dl-head' }, t('adm_pv_deadlines')),
    h('ul', { class: 'plain adm-pv-dl' }, DEADLINES.filter((d) => dl[d]).map((d) =>
      h('li', {}, h('span', { class: 'muted' }, `${t(`adm_f_${d}`)}：`), fmtTime(dl[d]), ' · ', countdown(dl[d])))),
    r.nearby && r.nearby.length ? h('p', { class: 'hint' }, t('adm_pv_nearby', { n: r.nearby.length })) : null);
}

// ---- the calendar -----------------------------------------------------------------------------------

/** Today in Asia/Shanghai as YYYY-MM-DD. */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

async function calendar(box, me, query) {
  const year = /^\d{4}$/.test(query.year || '') ? Number(query.year) : Number(today().slice(0, 4));
  const head = h('div', { class: 'adm-card-head' },
    h('h2', {}, t('adm_cal_title', { year })),
    h('span', { class: 'actions' },
      h('a', { class: 'btn', href: `#/admin/calendar?year=${year - 1}` }, `‹ ${t('adm_cal_prev')}`),
      h('a', { class: 'btn', href: `#/admin/calendar?year=${year + 1}` }, `${t('adm_cal_next')} ›`)));
  const yearBox = h('div', {});
  const daysBox = h('div', {});
  const date = h('input', { type: 'date', name: 'date', required: true, value: `${year}-${today().slice(5)}` });
  const kind = select('kind', ['holiday', 'workday'], (k) => t(`adm_day_${k}`), 'holiday');
  const occasion = h('input', { name: 'occasion', autocomplete: 'off', maxlength: 100 });
  const add = h('button', { type: 'submit', class: 'primary' }, t('adm_save'));
  const form = h('form', { class: 'adm-form', novalidate: true },
    h('div', { class: 'adm-grid' }, field(t('adm_f_date'), date), field(t('adm_f_day_kind'), kind),
      field(t('adm_f_occasion'), occasion)),
    h('p', { class: 'actions' }, add));
  const load = async (focusDate) => {
    loading(yearBox);
    daysBox.replaceChildren();
    let cal;
    try {
      cal = await api('/api/v1/calendar', { query: { from: `${year}-01-01`, to: `${year}-12-31` } });
    } catch (e) {
      failedInline(yearBox, e, () => load(focusDate));
      return;
    }
    const set = cal.days.filter((d) => d.kind);
    const rows = set.map((d) => ({
      attrs: { dataset: { date: d.date }, class: d.date === focusDate ? 'adm-hit' : false },
      cells: [d.date, weekday(d.date),
        h('span', { class: `badge adm-day-${d.kind}` }, t(`adm_day_${d.kind}`)), d.occasion || t('adm_none'),
        confirmButton(t('adm_delete'), t('adm_confirm_delete'), async () => {
          await api(`/api/v1/calendar/${d.date}`, { method: 'DELETE' });
          toast(t('adm_cal_removed', { date: d.date }));
          await load();
        })],
    }));
    yearBox.replaceChildren(
      h('p', {}, h('strong', {}, t('adm_cal_working', { n: cal.working_days }))),
      months(year, cal.days),
      h('p', { class: 'adm-legend', 'aria-hidden': 'true' },
        ['holiday', 'workday', 'rest'].map((k) => h('span', { class: `adm-key adm-d-${k}` }, t(`adm_cal_legend_${k}`)))));
    daysBox.replaceChildren(
      rows.length ? table(t('adm_cal_days'), [['date', t('adm_col_date'), 'lead'], ['wd', t('adm_col_weekday')],
        ['kind', t('adm_col_kind')], ['occ', t('adm_col_occasion')], ['act', t('adm_col_actions')]], rows, 'stack adm-days')
        : h('p', { class: 'status' }, t('adm_cal_none')),
      h('p', {}, h('a', { href: '/api/v1/calendar.csv', download: 'calendar.csv' }, t('adm_cal_csv'))));
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!date.value) {
      markError(form, { field: 'date', message: t('required') });
      return;
    }
    const body = { kind: kind.value };
    if (occasion.value.trim()) body.occasion = occasion.value.trim();
    await busy(add, t('adm_saving'), async () => {
      try {
        const d = await api(`/api/v1/calendar/${date.value}`, { method: 'PUT', json: body });
        toast(t('adm_cal_added', { date: d.date, kind: t(`adm_day_${d.kind}`) }));
        if (d.date.slice(0, 4) !== String(year)) go(`/admin/calendar?year=${d.date.slice(0, 4)}`);
        else await load(d.date);
      } catch (e) {
        markError(form, e);
      }
    });
  });
  box.replaceChildren(
    h('section', { class: 'card' }, head, h('p', { class: 'hint' }, t('adm_cal_hint')), yearBox),
    h('section', { class: 'card' }, h('h2', {}, t('adm_cal_add')), form),
    h('section', { class: 'card' }, h('h2', {}, t('adm_cal_days')), daysBox));
  await load();
}

function weekday(date) {
  return new Date(`${date}T12:00:00+08:00`).toLocaleDateString(lang === 'en' ? 'en-GB' : 'zh-CN', { weekday: 'short', timeZone: 'Asia/Shanghai' });
}

/** Twelve small months: holidays, 调休 workdays and rest days marked (a picture of the table below it). */
function months(year, days) {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const now = today();
  const wd = [...t('adm_wd')];
  return h('div', { class: 'adm-months', 'aria-hidden': 'true' }, Array.from({ length: 12 }, (_, m) => {
    const first = new Date(Date.UTC(year, m, 1));
    const lead = (first.getUTCDay() + 6) % 7; // Monday first
    const count = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
    const cells = [...wd.map((w) => h('span', { class: 'adm-wd' }, w))];
    for (let i = 0; i < lead; i++) cells.push(h('span', {}));
    for (let d = 1; d <= count; d++) {
      const iso = `${year}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      const info = byDate.get(iso);
      const cls = ['adm-d', info && info.kind ? `adm-d-${info.kind}` : info && !info.working ? 'adm-d-rest' : '',
        iso === now ? 'adm-d-today' : ''].filter(Boolean).join(' ');
      cells.push(h('span', { class: cls, title: info && info.occasion ? info.occasion : false }, String(d)));
    }
    const name = first.toLocaleDateString(lang === 'en' ? 'en-GB' : 'zh-CN', { month: 'long', timeZone: 'UTC' });
    return h('div', { class: 'adm-month' }, h('p', { class: 'adm-month-name' }, name),
      h('div', { class: 'adm-month-grid' }, cells));
  }));
}

// ---- accounts ------------------------------------------------------------------------------------------

async function users(box, me, query) {
  const limit = 50;
  const offset = Math.max(0, Number(query.offset) || 0);
  const createBox = h('div', {});
  const editor = h('div', {});
  const listBox = h('div', {});

  // the new account
  const login = h('input', { name: 'login', autocomplete: 'off', spellcheck: 'false', required: true });
  const role = select('role', USER_ROLES, roleLabel, 'community_staff');
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password' });
  const make = h('button', { type: 'submit', class: 'primary' }, t('adm_create'));
  const made = h('div', {});
  const form = h('form', { class: 'adm-form', novalidate: true },
    h('div', { class: 'adm-grid' }, field(t('adm_f_login'), login, t('adm_f_login_hint')), field(t('adm_f_role'), role),
      scopeField(me, role, 'adm-user-scopes'), field(t('adm_f_password'), password, t('adm_f_password_hint'))),
    h('p', { class: 'actions' }, make));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    made.replaceChildren();
    const body = { login: login.value.trim(), role: role.value };
    if (SCOPE_OF[role.value]) body.scope = form.elements.scope.value.trim();
    if (password.value) body.password = password.value;
    await busy(make, t('adm_saving'), async () => {
      try {
        const u = await api('/api/v1/users', { method: 'POST', json: body });
        if (u.password) {
          const s = secretBox(t('adm_user_password', { login: u.login }), u.password);
          made.replaceChildren(h('p', { class: 'adm-ok' }, t('adm_user_created', { login: u.login })), s);
          s.focus();
        } else {
          made.replaceChildren(h('p', { class: 'adm-ok', role: 'status' }, t('adm_user_created', { login: u.login })));
        }
        form.reset();
        role.dispatchEvent(new Event('change'));
        await list(u.id);
      } catch (e) {
        markError(form, e);
      }
    });
  });
  createBox.replaceChildren(form, made);

  // the list, its filters in the hash
  const fRole = select('role', USER_ROLES, roleLabel, query.role, t('adm_all'));
  const fQ = h('input', { type: 'search', name: 'q', value: query.q || '', autocomplete: 'off' });
  const filters = h('form', { class: 'adm-filters', role: 'search' },
    field(t('adm_f_filter_role'), fRole), field(t('adm_f_filter_q'), fQ), h('button', { type: 'submit' }, t('adm_filter')));
  const hashFor = (o) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(o)) if (v) q.set(k, v);
    const s = q.toString();
    return `/admin/users${s ? `?${s}` : ''}`;
  };
  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(hashFor({ role: fRole.value, q: fQ.value.trim() }));
  });

  const edit = (u, from) => {
    const heading = h('h2', { tabindex: '-1' }, t('adm_user_edit', { login: u.login }));
    const r = select('role', USER_ROLES, roleLabel, u.role);
    const save = h('button', { type: 'submit', class: 'primary' }, t('adm_save'));
    const f = h('form', { class: 'adm-form', novalidate: true },
      h('div', { class: 'adm-grid' }, field(t('adm_f_role'), r), scopeField(me, r, 'adm-edit-scopes', u.scope ? u.scope.code : '')),
      h('p', { class: 'actions' }, save, h('button', { type: 'button', onclick: () => { editor.replaceChildren(); from.focus(); } }, t('cancel'))));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const body = { role: r.value, scope: SCOPE_OF[r.value] ? f.elements.scope.value.trim() : null };
      await busy(save, t('adm_saving'), async () => {
        try {
          const saved = await api(`/api/v1/users/${u.id}`, { method: 'PATCH', json: body });
          editor.replaceChildren();
          toast(t('adm_user_saved', { login: saved.login }));
          await list(saved.id);
        } catch (e) {
          markError(f, e);
        }
      });
    });
    editor.replaceChildren(h('section', { class: 'card adm-editor' }, heading, f));
    heading.focus();
  };

  const list = async (highlight) => {
    loading(listBox);
    let page;
    try {
      page = await api('/api/v1/users', { query: { role: query.role, q: query.q, limit, offset } });
    } catch (e) {
      failedInline(listBox, e, () => list(highlight));
      return;
    }
    const rows = page.items.map((u) => {
      const self = u.login === me.login;
      const actions = h('span', { class: 'adm-actions' });
      if (!self) {
        const e = h('button', { type: 'button' }, t('adm_edit'));
        e.addEventListener('click', () => edit(u, e));
        actions.append(e,
          confirmButton(t('adm_user_reset'), t('adm_confirm'), async () => {
            const r = await api(`/api/v1/users/${u.id}`, { method: 'PATCH', json: { reset_password: true } });
            const s = secretBox(t('adm_user_password', { login: r.login }), r.password);
            made.replaceChildren(s);
            await list(r.id);
            s.scrollIntoView({ block: 'center' });
            s.focus();
          }),
          confirmButton(u.disabled ? t('adm_user_enable') : t('adm_user_disable'), t('adm_confirm'), async () => {
            const r = await api(`/api/v1/users/${u.id}`, { method: 'PATCH', json: { disabled: !u.disabled } });
            toast(t(r.disabled ? 'adm_user_disabled' : 'adm_user_enabled', { login: r.login }));
            await list(r.id);
          }));
      }
      return {
        attrs: { dataset: { login: u.login }, class: [u.id === highlight ? 'adm-hit' : '', u.disabled ? 'adm-off' : ''].join(' ').trim() || false },
        cells: [h('span', {}, h('strong', {}, u.login), self ? h('small', { class: 'muted' }, t('adm_you')) : null),
          roleLabel(u.role), u.scope ? h('span', {}, u.scope.name, ' ', h('code', {}, u.scope.code)) : t('adm_none'),
          h('span', { class: `badge ${u.disabled ? 'bad' : 'done'}` }, u.disabled ? t('adm_st_disabled') : t('adm_st_active')),
          u.last_sign_in_at ? fmtTime(u.last_sign_in_at) : h('span', { class: 'muted' }, t('adm_never')),
          u.created_by ? t('adm_by', { time: fmtDate(u.created_at), who: whoText(u.created_by) }) : fmtDate(u.created_at),
          actions],
      };
    });
    const pager = h('div', { class: 'pager' },
      h('span', {}, t('page_of', { page: Math.floor(offset / limit) + 1, total: page.total })),
      offset > 0 ? h('a', { class: 'btn', href: `#${hashFor({ role: query.role, q: query.q, offset: Math.max(0, offset - limit) || '' })}` }, t('prev')) : null,
      offset + limit < page.total ? h('a', { class: 'btn', href: `#${hashFor({ role: query.role, q: query.q, offset: offset + limit })}` }, t('next')) : null);
    listBox.replaceChildren(
      rows.length ? table(t('adm_users_list'), [['login', t('adm_col_login'), 'lead'], ['role', t('adm_col_role'), 'nw'],
        ['scope', t('adm_col_scope')], ['st', t('adm_col_status')], ['last', t('adm_col_last')],
        ['created', t('adm_col_created'), 'ph-hide'], ['act', t('adm_col_actions')]], rows, 'stack adm-users')
        : h('p', { class: 'status' }, t('no_items')),
      pager);
  };

  box.replaceChildren(
    h('section', { class: 'card' }, h('h2', {}, t('adm_user_new')), createBox),
    editor,
    h('section', { class: 'card' }, h('h2', {}, t('adm_users_list')),
      h('p', { class: 'hint' }, t('adm_users_hint', { scope: await myScope(me) })), filters, listBox));
  await list();
}

// ---- API keys -------------------------------------------------------------------------------------------

async function keys(box, me) {
  const listBox = h('div', {});
  const name = h('input', { name: 'name', autocomplete: 'off', maxlength: 64, required: true });
  const role = select('role', KEY_ROLES, (r) => (r === 'api_client' ? t('adm_role_api_client_long') : roleLabel(r)), 'api_client');
  const make = h('button', { type: 'submit', class: 'primary' }, t('adm_create'));
  const made = h('div', {});
  const form = h('form', { class: 'adm-form', novalidate: true },
    h('div', { class: 'adm-grid' }, field(t('adm_f_key_name'), name, t('adm_f_key_name_hint')), field(t('adm_f_role'), role),
      scopeField(me, role, 'adm-key-scopes')),
    h('p', { class: 'actions' }, make));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    made.replaceChildren();
    const body = { name: name.value.trim(), role: role.value };
    if (SCOPE_OF[role.value]) body.scope = form.elements.scope.value.trim();
    await busy(make, t('adm_saving'), async () => {
      try {
        const k = await api('/api/v1/api-keys', { method: 'POST', json: body });
        const s = secretBox(t('adm_key_value', { name: k.name }), k.key);
        made.replaceChildren(h('p', { class: 'adm-ok' }, t('adm_key_created', { name: k.name })), s);
        form.reset();
        role.dispatchEvent(new Event('change'));
        await list(k.id);
        s.focus();
      } catch (e) {
        markError(form, e);
      }
    });
  });
  const list = async (highlight) => {
    loading(listBox);
    let page;
    try {
      page = await api('/api/v1/api-keys', { query: { limit: 1000 } });
    } catch (e) {
      failedInline(listBox, e, () => list(highlight));
      return;
    }
    const rows = page.items.map((k) => ({
      attrs: { dataset: { id: k.id }, class: [k.id === highlight ? 'adm-hit' : '', k.revoked_at ? 'adm-off' : ''].join(' ').trim() || false },
      cells: [h('strong', {}, k.name), h('code', {}, `${k.prefix}…`), roleLabel(k.role),
        k.scope ? h('span', {}, k.scope.name, ' ', h('code', {}, k.scope.code)) : t('adm_none'),
        k.created_by ? t('adm_by', { time: fmtDate(k.created_at), who: whoText(k.created_by) }) : fmtDate(k.created_at),
        h('span', { class: `badge ${k.revoked_at ? 'bad' : 'done'}` }, k.revoked_at ? t('adm_st_revoked', { time: fmtTime(k.revoked_at) }) : t('adm_st_valid')),
        k.revoked_at ? '' : confirmButton(t('adm_key_revoke'), t('adm_confirm'), async () => {
          await api(`/api/v1/api-keys/${k.id}`, { method: 'DELETE' });
          toast(t('adm_key_revoked', { name: k.name }));
          await list(k.id);
        })],
    }));
    listBox.replaceChildren(rows.length ? table(t('adm_keys_list'), [['name', t('adm_f_key_name'), 'lead'], ['prefix', t('adm_col_prefix')],
      ['role', t('adm_col_role')], ['scope', t('adm_col_scope')], ['created', t('adm_col_created')],
      ['st', t('adm_col_status')], ['act', t('adm_col_actions')]], rows, 'stack adm-keys')
      : h('p', { class: 'status' }, t('no_items')));
  };
  box.replaceChildren(
    h('section', { class: 'card' }, h('h2', {}, t('adm_key_new')), h('p', { class: 'hint' }, t('adm_keys_hint')), form, made),
    h('section', { class: 'card' }, h('h2', {}, t('adm_keys_list')), listBox));
  await list();
}
