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
    'error' => 'Your CDN account details are not available right now. Please try again later or contact support.',
];
