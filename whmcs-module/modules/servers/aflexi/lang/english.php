<?php
/**
 * Client area strings of the Aflexi CDN module (English). Copy this file as <language>.php
 * to translate; keys missing there fall back to these.
 */

return [
    'title' => 'CDN account',
    'username' => 'CDN username',
    'status' => 'Status',
    'package' => 'Package',
    'portal' => 'CDN portal',
    'portal_login' => 'Log in to the CDN portal',
    'portal_sso' => 'Login to CDN portal',
    'portal_unavailable' => 'The CDN portal link is not available right now. Please try again later.',
    'status_ACTIVE' => 'Active',
    'status_SUSPENDED' => 'Suspended',
    'status_DELETED' => 'Terminated',
    'status_PENDING' => 'Being set up',
    'status_NOT_FOUND' => 'Not available',
    'status_unknown' => 'Not set up yet',
    'bandwidth' => 'Bandwidth this month',
    'bandwidth_of' => ':used of :limit',
    'bandwidth_unlimited' => ':used (unlimited)',
    'bandwidth_updated' => 'as of :date',
    'bandwidth_never' => 'Not measured yet (updated once a day)',
    'chart_title' => 'Daily bandwidth',
    'chart_axis' => 'Day of the month',
    'chart_current' => 'This month (:month)',
    'chart_previous' => 'Previous month (:month)',
    'chart_table' => 'Daily figures as a table',
    'chart_day' => 'Day',
    'chart_mb' => 'Bandwidth',
    'chart_total' => 'Total',
    'chart_as_of' => 'Figures as of :date (refreshed hourly; HTTP and RTMP).',
    'chart_stale' => 'The CDN cannot be reached right now: these are the figures of :date.',
    'chart_unavailable' => 'The daily bandwidth chart is not available right now. Please try again later.',
    'error' => 'Your CDN account details are not available right now. Please try again later or contact support.',
];
