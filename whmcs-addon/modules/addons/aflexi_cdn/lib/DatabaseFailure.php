<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

/**
 * The database stopped a sync: what kind of failure (decided by MariaDB's error number, never
 * by message text), told to the administrator in words without the SQL statement (whose
 * bindings hold e-mails and encrypted passwords). Every write of a sync can be repeated: what
 * was done on Aflexi is read back by the next step, and a created publisher's password was
 * held in its record before the create call, so the run resumes where it stopped.
 */
final class DatabaseFailure extends \RuntimeException
{
    public const CONNECTION_LOST = 'connection_lost';
    public const DEADLOCK = 'deadlock';
    public const LOCK_WAIT_TIMEOUT = 'lock_wait_timeout';
    public const DISK_FULL = 'disk_full';

    /** MariaDB/MySQL error numbers by kind (server errors, and the client's 2006/2013). */
    private const CODES = [
        1927 => self::CONNECTION_LOST, // ER_CONNECTION_KILLED
        2006 => self::CONNECTION_LOST, // CR_SERVER_GONE_ERROR
        2013 => self::CONNECTION_LOST, // CR_SERVER_LOST
        1213 => self::DEADLOCK,        // ER_LOCK_DEADLOCK
        1205 => self::LOCK_WAIT_TIMEOUT, // ER_LOCK_WAIT_TIMEOUT
        1114 => self::DISK_FULL,       // ER_RECORD_FILE_FULL ("The table is full")
        1021 => self::DISK_FULL,       // ER_DISK_FULL
    ];

    private const WORDS = [
        self::CONNECTION_LOST => 'the connection to the database was lost',
        self::DEADLOCK => 'the database chose this step as the victim of a deadlock',
        self::LOCK_WAIT_TIMEOUT => 'another transaction held rows of the addon\'s tables for longer than innodb_lock_wait_timeout',
        self::DISK_FULL => 'the database could not write: its disk or table is full',
    ];

    public function __construct(public readonly string $kind, ?\Throwable $previous = null)
    {
        parent::__construct(sprintf('Aflexi CDN: the database stopped this synchronization: %s. Nothing needs undoing: '
            . 'the next one (Continue on a Save Settings run, the next cron run) reads back what was done on Aflexi and '
            . 'goes on where this one stopped%s.',
            self::WORDS[$kind], $kind === self::DISK_FULL ? ', once the database has room again' : ''), 0, $previous);
    }

    /** The failure $e is (or was caused by), or null when it is not one of these database failures. */
    public static function of(\Throwable $e): ?self
    {
        for ($cause = $e; $cause !== null; $cause = $cause->getPrevious()) {
            if ($cause instanceof self) {
                return $cause;
            }
            $number = $cause instanceof \PDOException ? (int) ($cause->errorInfo[1] ?? 0) : 0;
            if (isset(self::CODES[$number])) {
                return new self(self::CODES[$number], $e);
            }
        }
        return null;
    }
}
