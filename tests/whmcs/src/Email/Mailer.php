<?php
/**
 * WHMCS's templated email sending, behind the SendEmail API and the product welcome email
 * (developers.whmcs.com/provisioning-modules/module-functions, developers.whmcs.com/api-reference/sendemail). Instead of mailing, the rendered email is recorded (Whmcs::emails()) and an
 * "Email Sent to <client> (<subject>)" line is written to the Activity Log.
 *
 * Sending a template: load it by name from tblemailtemplates (the default-language row),
 * build the merge fields for its type and related id, add `customvars`, run EmailPreSend
 * with messagename/relid/mergefields and merge the arrays the hooks return (`abortsend`
 * aborts, `attachments` are recorded), then render subject and body with SmartySubset.
 * Errors are worded as developers.whmcs.com/api-reference/sendemail words them.
 */

declare(strict_types=1);

namespace WhmcsHarness\Email;

use WHMCS\Database\Capsule;
use WhmcsHarness\ActivityLog;
use WhmcsHarness\Hooks;
use WhmcsHarness\Whmcs;

final class Mailer
{
    public const TYPES = ['general', 'product', 'domain', 'invoice', 'support', 'affiliate'];
    public const SENDING_FAILED = 'Sending Failed. Please see documentation.';

    /**
     * The SendEmail API command (developers.whmcs.com/api-reference/sendemail).
     *
     * @param array<string, mixed> $values messagename | customtype+customsubject+custommessage, id, customvars
     * @return array<string, mixed>
     */
    public static function sendEmail(array $values): array
    {
        $customVars = self::customVars($values['customvars'] ?? null);
        if ($customVars === null) {
            return self::error('The custom variables you provided are invalid.');
        }
        $relId = (int) ($values['id'] ?? 0);
        if (!empty($values['messagename'])) {
            if ($relId <= 0) {
                return self::error('A related ID is required');
            }
            $template = self::templateByName((string) $values['messagename']);
            if ($template === null) {
                return self::error('Email Template not found');
            }
            if ((int) $template->disabled === 1) {
                return self::error('Email Template is disabled');
            }
            return self::deliver($template->name, $template->type, $relId, $template->subject, $template->message, $customVars);
        }
        if (!empty($values['customtype'])) {
            $type = (string) $values['customtype'];
            if (!in_array($type, self::TYPES, true)) {
                return self::error('Invalid message type provided');
            }
            if (empty($values['customsubject'])) {
                return self::error('A subject is required for a custom message');
            }
            if (empty($values['custommessage'])) {
                return self::error('A message body is required for a custom message');
            }
            if ($relId <= 0) {
                return self::error('A related ID is required');
            }
            return self::deliver('', $type, $relId, (string) $values['customsubject'], (string) $values['custommessage'], $customVars);
        }
        return self::error('You must provide either an existing email template name or a custom message type');
    }

    /**
     * The product welcome email WHMCS sends after a successful CreateAccount (developers.whmcs.com/provisioning-modules/module-functions): the
     * template whose id is tblproducts.welcomeemail, for the service.
     *
     * @return array<string, mixed> the SendEmail-style result
     */
    public static function sendWelcomeEmail(int $serviceId): array
    {
        $templateId = (int) Capsule::table('tblhosting as h')
            ->join('tblproducts as p', 'p.id', '=', 'h.packageid')
            ->where('h.id', $serviceId)->value('p.welcomeemail');
        $template = $templateId > 0 ? Capsule::table('tblemailtemplates')->where('id', $templateId)->first() : null;
        if ($template === null || (int) $template->disabled === 1) {
            return self::error(self::SENDING_FAILED);
        }
        return self::deliver($template->name, $template->type, $serviceId, $template->subject, $template->message, []);
    }

    /**
     * @param array<string, mixed> $customVars
     * @return array<string, mixed>
     */
    private static function deliver(string $name, string $type, int $relId, string $subject, string $message, array $customVars): array
    {
        $fields = MergeFields::build($type, $relId);
        if ($fields === null) {
            return self::error(self::SENDING_FAILED);
        }
        $fields = array_merge($fields, $customVars);
        $attachments = [];
        foreach (Hooks::run('EmailPreSend', ['messagename' => $name, 'relid' => $relId, 'mergefields' => $fields]) as $extra) {
            if (!is_array($extra)) {
                continue;
            }
            if (!empty($extra['abortsend'])) {
                return self::error(self::SENDING_FAILED);
            }
            if (isset($extra['attachments']) && is_array($extra['attachments'])) {
                array_push($attachments, ...array_values($extra['attachments']));
            }
            unset($extra['attachments'], $extra['abortsend']);
            $fields = array_merge($fields, $extra);
        }
        $renderedSubject = SmartySubset::render($subject, $fields);
        $renderedMessage = SmartySubset::render($message, $fields);
        if (trim(strip_tags($renderedMessage)) === '') {
            return self::error(self::SENDING_FAILED);
        }
        $to = (string) ($fields['client_email'] ?? '');
        $clientId = (int) ($fields['client_id'] ?? 0);
        if ($to === '') {
            ActivityLog::log("Email Sending Failed - You must provide at least one recipient email address. (Subject: $renderedSubject)", $clientId);
            return self::error(self::SENDING_FAILED);
        }
        Whmcs::recordEmail([
            'messagename' => $name,
            'type' => $type,
            'relid' => $relId,
            'to' => $to,
            'subject' => $renderedSubject,
            'message' => $renderedMessage,
            'mergefields' => $fields,
            'attachments' => $attachments,
        ]);
        ActivityLog::log('Email Sent to ' . ($fields['client_name'] ?? '') . " ($renderedSubject)", $clientId);
        return ['result' => 'success'];
    }

    private static function templateByName(string $name): ?object
    {
        return Capsule::table('tblemailtemplates')->where('name', $name)
            ->orderByRaw("case when language = '' then 0 else 1 end")->orderBy('id')->first();
    }

    /** @return array<string, mixed>|null null when invalid */
    private static function customVars(mixed $raw): ?array
    {
        if ($raw === null || $raw === '') {
            return [];
        }
        if (is_array($raw)) {
            return $raw;
        }
        if (!is_string($raw)) {
            return null;
        }
        $decoded = base64_decode($raw, true);
        $vars = $decoded === false ? false : @unserialize($decoded, ['allowed_classes' => false]);
        return is_array($vars) ? $vars : null;
    }

    /** @return array{result: string, message: string} */
    private static function error(string $message): array
    {
        return ['result' => 'error', 'message' => $message];
    }
}
